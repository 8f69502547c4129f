/**
 * How a lock class is shown, in every message, hover, lens and view (docs/editor.md, "Lock class names"): as its
 * package writes it, a field by its struct type (`VM.lock`, `statsTable.mu`) and a package-level variable by its
 * own name (`cmdLock`); with the package's name in front (`vmm.VM.lock`, `vmm.cmdLock`) only where the finding or
 * view involves the lock classes of more than one package, so that equal names of two packages never read as one.
 *
 * `cls` is a lock-graph node (`dir|VM.lock`) or a class as a package writes it; `pkg` is the name of the package
 * that declares it. A package-level variable's class, and another package's class, carry that package's name
 * already (`vmm.cmdLock`): it is kept or dropped, never doubled.
 */
export function lockClassName(cls: string, pkg: string, qualified: boolean): string {
  const local = cls.slice(cls.indexOf('|') + 1);
  const prefixed = local.startsWith(`${pkg}.`);
  if (qualified) return prefixed ? local : `${pkg}.${local}`;
  return prefixed ? local.slice(pkg.length + 1) : local;
}

/** Whether a finding or view that shows the classes of packages `pkgs` names them with their package. */
export function involvesPackages(pkgs: Iterable<string>): boolean {
  return new Set(pkgs).size > 1;
}
