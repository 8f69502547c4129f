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

// A directive starts its comment (or a line of a block comment), as Go directives do.
const DIRECTIVE = /(?:^|\n)[ \t]*(?:\/\/|\/\*)?[ \t]*\*?[ \t]*lockset:order[ \t]+([^\n]+)/g;
const NAME = /^[A-Za-z_*][\w.*]*$/;

/** `cmdLock > vmLock > VM.lock`, up to the end of the line, a nested `//` or a block comment's end. */
export function parseOrder(text: string): { names: string[]; invalid: string[] } {
  const body = text.split(/\/\/|\*\//)[0];
  const parts = body.split('>').map((s) => s.trim().replace(/[.,;]+$/, '')).filter(Boolean);
  return { names: parts.filter((s) => NAME.test(s)), invalid: parts.filter((s) => !NAME.test(s)) };
}

export function directivesIn(file: GoFile): DeclaredOrder[] {
  const out: DeclaredOrder[] = [];
  for (const c of file.parsed.comments) {
    const text = file.text(c);
    for (const m of text.matchAll(DIRECTIVE)) {
      const { names, invalid } = parseOrder(m[1]);
      const start = c.start + (m.index ?? 0) + m[0].indexOf('lockset:order');
      out.push({ names, invalid, text: names.join(' > '), file, start, end: c.start + (m.index ?? 0) + m[0].trimEnd().length });
    }
  }
  return out;
}

/** Whether a declared name denotes a lock class: `cmdLock` matches `vmm.cmdLock`, `VM.lock` matches itself. */
export function nameMatchesClass(name: string, cls: string): boolean {
  return cls === name || cls.endsWith(`.${name}`);
}

/** The position of a class in an order (0 = greatest, taken first), or -1. */
export function rankIn(order: DeclaredOrder, cls: string): number {
  return order.names.findIndex((n) => nameMatchesClass(n, cls));
}
