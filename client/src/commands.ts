// Every command id the extension contributes, in one place. package.json's
// "contributes.commands" must list the same ids.
export const Commands = {
  restartServer: 'lockset.restartServer',
  showOutput: 'lockset.showOutput',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];
