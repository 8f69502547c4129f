import { paramsOf, type FuncDecl } from '../model/file';
import { Scope } from '../model/scope';
import { child } from '../syntax/node';

/** A function's receiver and parameters, the names its contract and its body start from. */
export function functionScope(fn: FuncDecl): Scope {
  const scope = new Scope();
  if (fn.recvName && fn.recvType) scope.declare(fn.recvName, fn.recvPointer ? { kind: 'pointer', elem: { kind: 'named', name: fn.recvType } } : { kind: 'named', name: fn.recvType }, 'receiver');
  for (const p of fn.params) scope.declare(p.name, p.type, 'param');
  return scope;
}

/**
 * The names the body starts from: the function's, and its named results, locals of the body (`(fs *fileStore,
 * err error)`: `fs.mu.Lock()` and `fs.expire()` are on the value the body builds, not on an unknown name).
 */
export function bodyScope(fn: FuncDecl): Scope {
  const scope = functionScope(fn);
  const result = child(fn.node, 'result');
  if (result?.type !== 'parameter_list') return scope;
  for (const r of paramsOf(result, fn.file.parsed.text)) if (r.name !== '_') scope.declare(r.name, r.type, 'local');
  return scope;
}
