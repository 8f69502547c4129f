import type { FuncDecl } from '../model/file';
import { Scope } from '../model/scope';

/** A function's receiver and parameters, the names its contract and its body start from. */
export function functionScope(fn: FuncDecl): Scope {
  const scope = new Scope();
  if (fn.recvName && fn.recvType) scope.declare(fn.recvName, fn.recvPointer ? { kind: 'pointer', elem: { kind: 'named', name: fn.recvType } } : { kind: 'named', name: fn.recvType }, 'receiver');
  for (const p of fn.params) scope.declare(p.name, p.type, 'param');
  return scope;
}
