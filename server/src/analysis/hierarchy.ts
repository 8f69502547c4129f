import type { GoFile } from '../model/file';

/** A declared lock order: `// lockset:order cmdLock > vmLock > VM.lock` (greater is taken first). */
export interface DeclaredOrder {
  names: string[];
  /** Parts of the declaration that are not lock names. */
  invalid: string[];
  text: string;
  /** Where it was declared; undefined for the `lockset.lockOrder` setting. */
  file?: GoFile;
  start?: number;
  end?: number;
}

const DIRECTIVE_WORD = 'lockset:order';
const NAME = /^[A-Za-z_*][\w.*]*$/;

/** `cmdLock > vmLock > VM.lock`, up to the end of the line, a nested `//` or a block comment's end. */
export function parseOrder(text: string): { names: string[]; invalid: string[] } {
  const body = text.split(/\/\/|\*\//)[0];
  const parts = body.split('>').map((s) => s.trim().replace(/[.,;]+$/, '')).filter(Boolean);
  return { names: parts.filter((s) => NAME.test(s)), invalid: parts.filter((s) => !NAME.test(s)) };
}

const directivesCache = new WeakMap<GoFile, DeclaredOrder[]>();

/** A file's `lockset:order` directives; the lock graph reads every file's on every rebuild, so they are kept per file. */
export function directivesIn(file: GoFile): DeclaredOrder[] {
  let cached = directivesCache.get(file);
  if (!cached) directivesCache.set(file, (cached = readDirectives(file)));
  return cached;
}

function readDirectives(file: GoFile): DeclaredOrder[] {
  const out: DeclaredOrder[] = [];
  for (const c of file.parsed.comments) {
    const text = file.text(c);
    if (!text.includes(DIRECTIVE_WORD)) continue;
    // A directive starts its comment (or a line of a block comment), as Go directives do. Lines are
    // scanned by hand: a regular expression with adjacent optional blanks backtracks badly on long lines.
    let lineStart = 0;
    for (const line of text.split('\n')) {
      const body = stripCommentLead(line);
      if (body.startsWith(DIRECTIVE_WORD) && /^[ \t]/.test(body.slice(DIRECTIVE_WORD.length))) {
        const { names, invalid } = parseOrder(body.slice(DIRECTIVE_WORD.length));
        const start = c.start + lineStart + (line.length - body.length);
        out.push({ names, invalid, text: names.join(' > '), file, start, end: c.start + lineStart + line.trimEnd().length });
      }
      lineStart += line.length + 1;
    }
  }
  return out;
}

/** A comment line without its `//`, `/*` or leading `*` and blanks. */
function stripCommentLead(line: string): string {
  let i = 0;
  const blanks = () => { while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++; };
  blanks();
  if (line.startsWith('//', i) || line.startsWith('/*', i)) i += 2;
  blanks();
  if (line[i] === '*' && line[i + 1] !== '/') { i++; blanks(); }
  return line.slice(i);
}

/** Whether a declared name denotes a lock class: `cmdLock` matches `vmm.cmdLock`, `VM.lock` matches itself. */
export function nameMatchesClass(name: string, cls: string): boolean {
  return cls === name || cls.endsWith(`.${name}`);
}

/**
 * The position of a class in an order (0 = greatest, taken first), or -1. `pkg` is the name of the
 * package that declares the class. A lock's own name wins over `pkg.*` (every lock of a package),
 * which wins over `*` (every lock not named otherwise).
 */
export function rankIn(order: DeclaredOrder, cls: string, pkg?: string): number {
  const exact = order.names.findIndex((n) => !n.includes('*') && (nameMatchesClass(n, cls) || (pkg !== undefined && nameMatchesClass(n, qualify(cls, pkg)))));
  if (exact >= 0) return exact;
  const inPackage = pkg === undefined ? -1 : order.names.findIndex((n) => n === `${pkg}.*`);
  if (inPackage >= 0) return inPackage;
  return order.names.indexOf('*');
}

function qualify(cls: string, pkg: string): string {
  return cls.startsWith(`${pkg}.`) ? cls : `${pkg}.${cls}`;
}
