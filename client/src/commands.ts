// Every command id of the extension, in one place (package.json's contributes.commands lists the same ids).
export const Commands = {
  restartServer: 'lockset.restartServer',
  showOutput: 'lockset.showOutput',
  showLockGraph: 'lockset.showLockGraph',
  refreshLockExplorer: 'lockset.refreshLockExplorer',
  showLocations: 'lockset.showLocations',
  openGoroutineDump: 'lockset.openGoroutineDump',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  lockExplorer: 'lockset.lockExplorer',
  goroutines: 'lockset.goroutines',
} as const;
