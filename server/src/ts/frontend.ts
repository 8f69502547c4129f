/**
 * The entry of the TypeScript front end's bundle (dist/ts-frontend.js). It is loaded only when a
 * TypeScript or JavaScript file is seen, through load.ts, so that Go users never load ts-morph.
 */
export { TsWorkspace, type TsWorkspaceOptions } from './workspace';
export type { TsHover } from './hover';
export type { TsHint, TsLens, TsPlace } from './navigation';
