/** Random incremental edits, as an editor sends them: insertions, deletions, replacements and undos. */
import type { Rng } from './prng';

/** One edit in offsets of the text it applies to. */
export interface OffsetEdit { start: number; end: number; newText: string }

/** What is typed: lock calls, annotations, brackets, line breaks and plain characters. No \r: see KNOWN.lineEnds. */
export const TYPED: readonly string[] = [
  'vm.lock.Lock()', 'vm.lock.Unlock()', 'defer vm.lock.Unlock()', 'mu.Lock()', 'mu.Unlock()', 'vmLock.Lock()', 'vmLock.Unlock()',
  'stats.mu.Lock()', 'stats.mu.Unlock()', 'cmdLock.Lock()', '\n\tvm.lock.Lock()\n', '\n\tdefer vm.lock.Unlock()\n',
  '// LOCK: vmLock', '// LOCK: vm.lock is held', '// LOCK: mu', '\n// LOCK: vmLock is held by the caller.\n', '// +checklocks:lock',
  '// lockset:order vmLock > VM.lock', '// findVM assumes vmLock is held.\n', '//lockset:ignore all', '{', '}', '{\n', '\n}', '(', ')',
  '\n', '\n\n', ' ', '\t', 'x', 'Locked', 'findVM(1)', 'go func() {', '}()', '"', '`', '/*', '*/', '// ', 'func ', 'return', ';',
  'setTagLocked', '\u00e9', '\u{1F512}',
];

const apply = (text: string, e: OffsetEdit) => text.slice(0, e.start) + e.newText + text.slice(e.end);

/**
 * Makes random edits to a text and keeps what is needed to undo them: `undo()` gives the edit that
 * reverts the newest edit not yet reverted, as an editor's undo does.
 */
export class Editor {
  private readonly undoStack: OffsetEdit[] = [];
  constructor(public text: string, private readonly rng: Rng) {}

  /** Applies an edit, remembering its inverse. */
  apply(e: OffsetEdit): OffsetEdit {
    this.undoStack.push({ start: e.start, end: e.start + e.newText.length, newText: this.text.slice(e.start, e.end) });
    this.text = apply(this.text, e);
    return e;
  }

  /** A random edit that changes the text (an undo about one time in five), applied. */
  next(): OffsetEdit {
    const rng = this.rng;
    for (;;) {
      let e: OffsetEdit;
      if (this.undoStack.length && rng.chance(0.2)) {
        e = this.undoStack.pop()!;
        this.text = apply(this.text, e);
        return e;
      }
      const at = this.place();
      const kind = rng.below(10);
      if (kind < 5) e = { start: at, end: at, newText: rng.pick(TYPED) };
      else if (kind < 8) e = { start: at, end: Math.min(this.text.length, at + rng.int(1, rng.chance(0.1) ? 200 : 12)), newText: '' };
      else e = { start: at, end: Math.min(this.text.length, at + rng.int(1, 20)), newText: rng.pick(TYPED) };
      if (this.text.slice(e.start, e.end) === e.newText) continue; // a no-op is not an edit
      return this.apply(e);
    }
  }

  /** A random offset, more often at a line start or next to a lock call. */
  private place(): number {
    const { rng, text } = this;
    const r = rng.below(3);
    if (r === 0) {
      const nl = text.indexOf('\n', rng.int(0, text.length));
      return nl < 0 ? text.length : nl + 1;
    }
    if (r === 1) {
      const lock = text.indexOf('Lock()', rng.int(0, text.length));
      if (lock >= 0) return lock + rng.int(0, 6);
    }
    return rng.int(0, text.length);
  }
}
