import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/**
 * The layers of src/, top to bottom: a module imports only from its own layer or a lower one.
 * Each layer lists its files (for `files`) and the import paths that reach it (for the rule).
 */
export const LAYERS = [
  [
    'entry points',
    ['action.ts', 'cli.ts', 'post.ts', 'top-level.ts', 'cli/**'],
    ['**/action.js', '**/cli.js', '**/post.js', '**/top-level.js', '**/cli/**'],
  ],
  ['main', ['main.ts'], ['**/main.js']],
  ['phases', ['steps/**'], ['**/steps/**']],
  ['report', ['report/**'], ['**/report/**']],
  ['decisions', ['plan/**'], ['**/plan/**']],
  ['inputs', ['inputs/**'], ['**/inputs/**']],
  ['tag engine', ['tags/**'], ['**/tags/**']],
  ['post-step cleanup', ['post/**'], ['**/post/**']],
  ['AWS adapter', ['aws/**'], ['**/aws/**']],
  ['docker adapter', ['docker/**'], ['**/docker/**']],
  ['registry API', ['oci/**'], ['**/oci/**']],
  ['run context', ['context/**'], ['**/context/**']],
  ['runner seam', ['runner/**'], ['**/runner/**']],
  ['retry policy', ['retry.ts'], ['**/retry.js']],
  ['text helpers', ['text/**'], ['**/text/**']],
  ['errors', ['errors.ts'], ['**/errors.js']],
  ['vocabulary', ['types/**'], ['**/types/**']],
];

const layerRules = LAYERS.map(([name, files], index) => ({
  files: files.map((f) => `src/${f}`),
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: LAYERS.slice(0, index).map(([above, , paths]) => ({
          group: paths,
          message: `${name} must not import from ${above}, a layer above it (see "Code map" in the README).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results.json', '.scratch/', '.stack/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules,
);
