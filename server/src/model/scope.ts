import type { GoType } from './types';
import type { Ref } from './ref-types';

export type VarKind = 'receiver' | 'param' | 'local';

/** `alias`: for `snd := rc.snd` (a pointer, never assigned again), the path it names: `snd.ep.mu` is `rc.snd.ep.mu`. */
export interface ScopeVar { type: GoType; kind: VarKind; alias?: Ref }

/**
 * The variables visible in a function body. Block structure is flattened: a later declaration
 * of the same name replaces the earlier one, which is precise enough for lock paths.
 * A func literal gets a child scope so that captured variables keep their outer kind.
 */
export class Scope {
  private readonly vars = new Map<string, ScopeVar>();
  constructor(readonly parent?: Scope) {}

  declare(name: string, type: GoType, kind: VarKind, alias?: Ref): void {
    if (name && name !== '_') this.vars.set(name, alias ? { type, kind, alias } : { type, kind });
  }

  /**
   * A func literal's own variable (`var acc` in a closure): another variable than any of the same name in the
   * code that calls the closure, wherever that is.
   */
  literalOwns(name: string): boolean {
    return this.parent !== undefined && this.vars.has(name);
  }

  lookup(name: string): ScopeVar | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }
}
