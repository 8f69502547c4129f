import type { GoFile } from '../model/file';

/** A declared lock order: `// lockset:order cmdLock > vmLock > VM.lock` (greater is taken first). */
export interface DeclaredOrder {
  names: string[];
  text: string;
  /** Where it was declared; undefined for the `lockset.lockOrder` setting. */
  file?: GoFile;
  start?: number;
  end?: number;
}

const DIRECTIVE = /lockset:order\s+([^\n*]+)/g;

export function parseOrder(text: string): string[] {
  return text.split('>').map((s) => s.trim().replace(/[.,;]+$/, '')).filter((s) => /^[A-Za-z_*][\w.*]*$/.test(s));
}

export function directivesIn(file: GoFile): DeclaredOrder[] {
  const out: DeclaredOrder[] = [];
  for (const c of file.parsed.comments) {
    const text = file.text(c);
    for (const m of text.matchAll(DIRECTIVE)) {
      const names = parseOrder(m[1]);
      if (names.length < 2) continue;
      const start = c.start + (m.index ?? 0);
      out.push({ names, text: names.join(' > '), file, start, end: start + m[0].trimEnd().length });
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
