/**
 * A short description of a settings value for a message: JSON for scalars and small values, with nesting cut at a
 * few levels and length at 80 characters. JSON.stringify of a value nested 5,000 levels deep overflows the stack.
 */
export function preview(value: unknown, depth = 0): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value) ?? String(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  }
  if (depth >= 3) return Array.isArray(value) ? '[...]' : '{...}';
  const parts: string[] = [];
  let size = 2;
  const entries = Array.isArray(value) ? value.map((v) => [undefined, v] as const) : Object.entries(value as object);
  for (const [k, v] of entries) {
    const part = (k === undefined ? '' : `${JSON.stringify(k)}:`) + preview(v, depth + 1);
    if (size + part.length > 80) { parts.push('...'); break; }
    parts.push(part);
    size += part.length + 1;
  }
  return Array.isArray(value) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}
