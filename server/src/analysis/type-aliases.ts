import type { GoPackage } from '../model/package';
import type { ExprResolver, Ref } from '../model/refs';

// gVisor writes `+checklocksalias:snd.ep.mu=mu` on a struct type: for any value x of it, x.snd.ep.mu and x.mu
// are one lock (the sender's back-pointer leads to the endpoint that holds it).
const ALIAS = /\+checklocksalias:([^\s=]+)=(\S+)/g;

interface TypeAlias { a: string; b: string }

/** By the package's declarations (see GoPackage.declarationsStamp): kept while its types are the same objects. */
const byPackage = new WeakMap<object, Map<string, TypeAlias[]>>();

/** The `+checklocksalias` lines on the package's type declarations, per type name. */
function typeAliases(pkg: GoPackage): Map<string, TypeAlias[]> {
  let out = byPackage.get(pkg.declarationsStamp);
  if (out) return out;
  out = new Map();
  for (const t of pkg.types.values()) {
    if (!t.doc.text.includes('+checklocksalias')) continue;
    for (const m of t.doc.text.matchAll(ALIAS)) out.set(t.name, [...out.get(t.name) ?? [], { a: m[1], b: m[2] }]);
  }
  byPackage.set(pkg.declarationsStamp, out);
  return out;
}

/**
 * The other names of a lock by its type's aliases: `e.mu` (Endpoint.mu) is also `e.snd.ep.mu` when Endpoint says
 * `+checklocksalias:snd.ep.mu=mu`. Only from the side written as the type's own lock path (either side when both
 * are), where the ref shows the value is of that type; the other side's paths must resolve.
 */
export function typeAliasPartners(res: ExprResolver, ref: Ref): Ref[] {
  if (!ref.clsBase || ref.clsHome || !ref.exact) return [];
  const aliases = typeAliases(res.pkg).get(ref.clsBase);
  if (!aliases) return [];
  const own = ref.clsPath.join('.');
  const out: Ref[] = [];
  for (const { a, b } of aliases) {
    for (const [from, to] of [[b, a], [a, b]]) {
      const suffix = `.${from}`;
      if (from !== own || !ref.key.endsWith(suffix) || !ref.display.endsWith(suffix)) continue;
      let partner: Ref = {
        ...ref, key: ref.key.slice(0, -suffix.length), display: ref.display.slice(0, -suffix.length),
        path: ref.path.slice(0, ref.path.length - from.split('.').length), type: { kind: 'named', name: ref.clsBase },
        clsBase: undefined, clsPath: [],
      };
      for (const p of to.split('.')) partner = res.appendField(partner, p);
      if (partner.key !== ref.key) out.push(partner);
    }
  }
  return out;
}
