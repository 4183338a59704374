// Lint: typescript-eslint's recommended rules plus the import rules that keep the layers apart.
//   src/model   the shared layer: pure code, imports nothing of the others, no Node, no DOM, no vscode
//   src/core    the engine (Node): never vscode, never the UI
//   webview     the UI (DOM): the shared layer only
//   src/vscode  the extension: vscode, the shared layer and the engine thread's client (src/core/host)
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'http',
  'https',
  'net',
  'os',
  'crypto',
  'zlib',
  'worker_threads',
  'child_process',
  'url',
  'stream',
  'events',
  'util',
];

function layer(files, patterns, paths = []) {
  return { files, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

// eslint-disable-next-line no-restricted-syntax -- ESLint reads the default export of its config
export default tseslint.config(
  // test/agents/tools: the recording tools, plain CommonJS Node scripts that also run outside this repository.
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'test/fixtures/**',
      'test/agents/tools/**',
      'bench/results.json',
      '*.vsix',
      'media/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  layer(
    ['src/model/**/*.ts'],
    [
      {
        group: ['**/core/**', '**/vscode/**', '**/webview/**', '**/cli/**'],
        message: 'src/model is the shared layer: it imports only src/model.',
      },
      { group: NODE_BUILTINS, message: 'src/model runs everywhere: no Node built-ins.' },
    ],
    [{ name: 'vscode', message: 'vscode is imported only under src/vscode.' }],
  ),
  layer(
    ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    [
      {
        group: ['**/webview/**', '**/src/vscode/**', '../vscode/**', '../../vscode/**'],
        message: 'The engine never imports the UI or the extension.',
      },
    ],
    [{ name: 'vscode', message: 'vscode is imported only under src/vscode.' }],
  ),
  layer(
    ['webview/**/*.ts'],
    [
      { group: ['**/src/core/**', '**/src/vscode/**', '**/src/cli/**'], message: 'The UI imports only the shared layer (src/model).' },
      { group: NODE_BUILTINS, message: 'The UI runs in a browser: no Node built-ins.' },
    ],
    [{ name: 'vscode', message: 'vscode is imported only under src/vscode.' }],
  ),
  layer(
    ['src/vscode/**/*.ts'],
    [
      { group: ['**/webview/**'], message: 'The extension loads the built UI bundle; it imports none of its files.' },
      {
        regex: '(^|/)core/(?!host/)',
        message: 'The extension talks to the engine only through src/core/host (the engine thread and its API).',
      },
    ],
  ),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.mjs', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', Buffer: 'readonly' } },
  },
);
