import type { Severity } from '../checks/finding';

export type SeveritySetting = Severity | 'off';

/** lockset's settings, from the editor (`lockset.*`) or from the CLI's --config file. */
export interface Config {
  severity: Record<string, SeveritySetting>;
  lockOrder: string[];
  /** Analyse files marked `// Code generated ... DO NOT EDIT.` (off by default: nobody edits them). */
  analyzeGenerated?: boolean;
  log?: (message: string) => void;
}

export function defaultConfig(): Config {
  return { severity: {}, lockOrder: [] };
}
