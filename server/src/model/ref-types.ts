import type { GoType } from './types';

export type RootKind = 'receiver' | 'param' | 'local' | 'global' | 'expr';

/**
 * A path to a value: a root (variable or opaque expression) plus fields. When the value is a lock,
 * this is the LockRef of the architecture note: `key` is instance-exact within one function, and
 * `lockClass(ref)` names the declaring type plus field path, or the package-qualified global.
 */
export interface Ref {
  key: string;
  display: string;
  rootKind: RootKind;
  root: string;
  path: string[];
  /** False when the instance is not known (the root is an index or call expression). */
  exact: boolean;
  type: GoType;
  /** The named type (or `pkg.global`) that declares `clsPath`; package-qualified when it is another package's. */
  clsBase?: string;
  clsPath: string[];
  /** When the class belongs to another workspace package: that package's directory and name, and its own name for clsBase. */
  clsHome?: ClassHome;
  /** For a lock promoted from an embedded field of an ambiguous struct: the key of the struct value. */
  promotedFrom?: string;
}

export interface ClassHome { dir: string; pkg: string; base: string }
