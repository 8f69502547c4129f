// typescript-eslint with type information, so that floating promises are caught.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { noImportCycle } from './scripts/import-graph.mjs';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'examples/', 'test-results/', 'test/fixtures-ts/', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's describe/it return promises that the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  ...layers(),
  {
    // No import cycles, type-only imports included (test/layers.test.ts proves that one fails the lint).
    files: ['**/*.ts'],
    plugins: { lockset: { rules: { 'no-import-cycle': noImportCycle } } },
    rules: { 'lockset/no-import-cycle': 'error' },
  },
);

/**
 * The server's layers, from the inside out (see docs/dev/development.md): each may import only the layers inside
 * it. An import against this order fails the lint (test/layers.test.ts proves it).
 */
function layers() {
  const order = ['base', 'util', 'core', 'dumps', 'syntax', 'model', 'analysis', 'checks', 'ide'];
  const outer = ['ts', 'lsp', 'cli', 'workspace', 'protocol', 'scope'];
  // The TypeScript front end stands beside analysis and checks: it may use them, never the editor, the protocol
  // (lsp/ alone makes wire types: ts/ gives plain data, core/views.ts) or Go's driver.
  const frontEnd = {
    files: ['server/src/ts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: ['**/ide/*', '**/lsp/*', '**/cli/*', '../workspace', '../../workspace', '../protocol', '../../protocol'],
          message: 'server/src/ts is a front end: it may not import ide, lsp, cli, the protocol or the Go workspace (see docs/dev/development.md).',
        }],
      }],
    },
  };
  return [frontEnd, ...order.map((layer, i) => {
    const banned = [...order.slice(i + 1), ...outer];
    return {
      files: [`server/src/${layer}/**/*.ts`],
      rules: {
        'no-restricted-imports': ['error', {
          patterns: [{
            // A directory anywhere up the path; a module at the source root (workspace.ts) by its relative path.
            group: banned.flatMap((b) => (outer.includes(b) && !['ts', 'lsp', 'cli'].includes(b) ? ['../', '../../', '../../../'].map((up) => `${up}${b}`) : [`**/${b}/*`, `**/${b}/**`])),
            message: `server/src/${layer} is inside ${banned.join(', ')}: it may import only ${order.slice(0, i).join(', ') || 'nothing of the server'} (see docs/dev/development.md).`,
          }],
        }],
      },
    };
  })];
}
