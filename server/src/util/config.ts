import type { Severity } from '../base/finding';

export type SeveritySetting = Severity | 'off';

/** `nestedModules`: whether a directory below the folder analysed with a go.mod of its own is analysed (see Scope). */
export type NestedModules = 'skip' | 'include';

/** lockset's settings, from the editor (`lockset.*`) or from the CLI's --config file. */
export interface Config {
  severity: Record<string, SeveritySetting>;
  lockOrder: string[];
  /** Analyse files marked `// Code generated ... DO NOT EDIT.` (off by default: nobody edits them). */
  analyzeGenerated?: boolean;
  /** Glob patterns, relative to the folder analysed, whose files are not analysed (see util/glob). */
  exclude?: string[];
  nestedModules?: NestedModules;
  log?: (message: string) => void;
}

export function defaultConfig(): Config {
  return { severity: {}, lockOrder: [] };
}
