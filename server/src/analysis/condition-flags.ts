import type { FuncDecl } from '../model/file';
import { child, type SyntaxNode } from '../syntax/node';
import { assignsPath, neverAssigned } from './flags';

/** A condition tracked as a flag: its name, and the value of the flag where the condition is true. */
export interface ConditionFlag { name: string; whenTrue: boolean }

/**
 * Tests of a condition that a function's flow tracks as flags, besides its boolean variables (flags.ts), so that a
 * lock taken where the test holds is released where it holds again:
 * - the nil test of an optional lock, `s.readMu != nil` where the function locks `s.readMu` (minio's walk): fixed,
 *   while nothing in the function assigns the path or its root;
 * - a comparison of two locals, `cur != start`, in an if whose branch locks or unlocks (gVisor's lisafs walk takes
 *   `curParent.opMu` under `curParent != startParent` in one closure and releases it under the same test in
 *   another): valid until either local is assigned (the flow forgets it then, see `mentioning`).
 * One per function walk; what it reads of the body is kept for the walk's loops, which visit a body several times.
 */
export class ConditionFlags {
  /** Per path, whether `path != nil` is an optional lock's test. */
  private readonly optionalLocks = new Map<string, boolean>();
  /** The flags that compare two locals, with the two names. */
  private readonly comparisons = new Map<string, [string, string]>();
  /** Per if branch, whether it locks or unlocks. */
  private readonly lockingBranches = new Map<SyntaxNode, boolean>();

  constructor(private readonly decl: FuncDecl, private readonly isTracked: (name: string, at?: SyntaxNode) => boolean) {}

  flagOf(e: SyntaxNode): ConditionFlag | undefined {
    if (e.type !== 'binary_expression' || (e.op !== '!=' && e.op !== '==')) return undefined;
    return this.optionalLockTest(e) ?? this.comparedLocals(e);
  }

  /** Whether a flag keeps its value once set (undefined: not one of these, ask flags.ts). */
  isFixed(name: string): boolean | undefined {
    if (this.comparisons.has(name)) return false;
    return name.endsWith(' != nil') ? true : undefined;
  }

  /** The comparison flags that an assignment of `name` makes unknown. */
  mentioning(name: string): string[] {
    const out: string[] = [];
    for (const [flag, names] of this.comparisons) if (names[0] === name || names[1] === name) out.push(flag);
    return out;
  }

  private text(n: SyntaxNode): string {
    return this.decl.file.parsed.text.slice(n.start, n.end);
  }

  /**
   * The pointer tested cannot change between the tests: nothing in the function assigns the path or its root, and
   * the root is declared once (a value set elsewhere to nil while a lock through it is held would be a bug of its
   * own).
   */
  private optionalLockTest(e: SyntaxNode): ConditionFlag | undefined {
    const [l, r] = [child(e, 'left'), child(e, 'right')];
    const x = l && this.text(l) === 'nil' ? r : r && this.text(r) === 'nil' ? l : undefined;
    if (!x || (x.type !== 'selector_expression' && x.type !== 'identifier')) return undefined;
    const path = this.text(x).replace(/\s+/g, '');
    if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(path)) return undefined;
    let known = this.optionalLocks.get(path);
    if (known === undefined) {
      const root = path.split('.')[0];
      const all = this.decl.file.parsed.text;
      const body = all.slice(this.decl.node.start, this.decl.node.end);
      const locked = new RegExp(`(^|[^\\w.])${path.replace(/\./g, '\\.')}\\s*\\.\\s*R?Lock\\(\\)`).test(body);
      known = locked && this.isTracked(root) && neverAssigned(this.decl.node, root, all) && !assignsPath(this.decl.node, path, all);
      this.optionalLocks.set(path, known);
    }
    return known ? { name: `${path} != nil`, whenTrue: e.op === '!=' } : undefined;
  }

  private comparedLocals(e: SyntaxNode): ConditionFlag | undefined {
    const [l, r] = [child(e, 'left'), child(e, 'right')];
    if (l?.type !== 'identifier' || r?.type !== 'identifier') return undefined;
    const [a, b] = [this.text(l), this.text(r)].sort();
    if (a === b || CONSTANTS.has(a) || CONSTANTS.has(b)) return undefined;
    if (!this.isTracked(a, e) || !this.isTracked(b, e)) return undefined;
    const stmt = e.parent?.type === 'if_statement' && e.field === 'condition' ? e.parent : undefined;
    const branch = stmt && child(stmt, 'consequence');
    if (!branch) return undefined;
    let locks = this.lockingBranches.get(branch);
    if (locks === undefined) this.lockingBranches.set(branch, (locks = /\b(R?Lock|R?Unlock)\(\)/.test(this.text(branch))));
    if (!locks) return undefined;
    const name = `${a} != ${b}`;
    this.comparisons.set(name, [a, b]);
    return { name, whenTrue: e.op === '!=' };
  }
}

const CONSTANTS = new Set(['nil', 'true', 'false']);
