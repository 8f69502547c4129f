import packageJson from '../../../package.json';
import { parseConfig } from '../checks/config-file';
import type { Config } from '../util/config';
import { preview } from '../util/preview';

/** `lockset.compactClosedPackages`: whether packages without an open document are compacted (see Workspace.compactClosed). */
export type CompactMode = 'auto' | 'on' | 'off';

/** What the server itself reads of the `lockset` settings; the checks' part is a Config (see parseConfig). */
export interface Settings { debounceMs: number; enable: boolean; inlayHints: boolean; compactClosed: CompactMode }

/** One setting as package.json declares it (the part of JSON Schema that its settings use). */
interface PropertySchema { type?: string; enum?: unknown[]; minimum?: number; maximum?: number; items?: { type?: string }; default?: unknown }

/**
 * The settings schema that the extension contributes (package.json), by full key (`lockset.debounceMs`,
 * `lockset.checks.double-lock`): the one description of every setting, which the editor's settings UI shows and
 * the server checks what it is sent against.
 */
export const SETTINGS_SCHEMA: ReadonlyMap<string, PropertySchema> = new Map(
  Object.entries((packageJson.contributes.configuration as { properties: Record<string, PropertySchema> }).properties),
);

const DEFAULTS: Settings = {
  debounceMs: SETTINGS_SCHEMA.get('lockset.debounceMs')?.default as number,
  enable: SETTINGS_SCHEMA.get('lockset.enable')?.default as boolean,
  inlayHints: SETTINGS_SCHEMA.get('lockset.inlayHints.heldLocks')?.default as boolean,
  compactClosed: SETTINGS_SCHEMA.get('lockset.compactClosedPackages')?.default as CompactMode,
};

export function defaultSettings(): Settings { return { ...DEFAULTS }; }

/**
 * The settings the client sent for the `lockset` section, checked once against the schema: a value of the wrong
 * type, outside its enum or its range is reported (`lockset.debounceMs: expected a number from 0 to 5000, got
 * "x"`) and its default used instead. The checks' Config is read by parseConfig, which also reports what the
 * schema cannot say (an unknown check, a glob that does not parse); a key is reported once.
 */
export function readSettings(raw: unknown): { settings: Settings; config: Config; problems: string[] } {
  const problems: string[] = [];
  const bad = new Set<string>();
  const value = (key: string): unknown => {
    let v: unknown = raw;
    for (const part of key.slice('lockset.'.length).split('.')) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
      // `checks.double-lock` and `inlayHints.heldLocks` are nested objects; a client may also send the dotted key.
      const o = v as Record<string, unknown>;
      v = o[part];
    }
    return v ?? (raw as Record<string, unknown> | undefined)?.[key.slice('lockset.'.length)];
  };
  for (const [key, schema] of SETTINGS_SCHEMA) {
    const v = value(key);
    if (v === undefined) continue;
    const problem = schemaProblem(schema, v);
    if (problem) { problems.push(`${key}: ${problem}`); bad.add(key); }
  }
  const { config, errors } = parseConfig(raw);
  for (const e of errors) if (![...bad].some((k) => e.startsWith(`${k}:`))) problems.push(e);
  const read = <T>(key: string, fallback: T): T => (bad.has(key) ? fallback : (value(key) as T | undefined) ?? fallback);
  const settings: Settings = {
    debounceMs: read('lockset.debounceMs', DEFAULTS.debounceMs),
    enable: read('lockset.enable', DEFAULTS.enable),
    inlayHints: read('lockset.inlayHints.heldLocks', DEFAULTS.inlayHints),
    compactClosed: read('lockset.compactClosedPackages', DEFAULTS.compactClosed),
  };
  return { settings, config, problems };
}

/** What is wrong with `v` for `schema`, in words, or undefined. */
export function schemaProblem(schema: PropertySchema, v: unknown): string | undefined {
  if (schema.enum) return schema.enum.includes(v) ? undefined : `expected one of ${schema.enum.join(', ')}, got ${preview(v)}`;
  switch (schema.type) {
    case 'boolean': return typeof v === 'boolean' ? undefined : `expected true or false, got ${preview(v)}`;
    case 'number': {
      const range = schema.minimum !== undefined && schema.maximum !== undefined ? ` from ${schema.minimum} to ${schema.maximum}` : '';
      const ok = typeof v === 'number' && Number.isFinite(v) && !(schema.minimum !== undefined && v < schema.minimum) && !(schema.maximum !== undefined && v > schema.maximum);
      return ok ? undefined : `expected a number${range}, got ${preview(v)}`;
    }
    case 'string': return typeof v === 'string' ? undefined : `expected a string, got ${preview(v)}`;
    case 'array': {
      const item = schema.items?.type;
      return Array.isArray(v) && (!item || v.every((x) => typeof x === item)) ? undefined : `expected an array${item ? ` of ${item}s` : ''}, got ${preview(v)}`;
    }
    default: return undefined;
  }
}
