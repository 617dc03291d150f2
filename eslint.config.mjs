import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/**
 * The layers of src/, top to bottom: a module imports only from its own layer or a lower one.
 * Each layer lists its files (`dir/**` or `file.ts`); the import paths that reach it follow.
 */
export const LAYERS = [
  ['entry points', ['entry/**', 'action.ts', 'cli.ts', 'post.ts', 'top-level.ts', 'cli/**']],
  ['main', ['main.ts']],
  ['phases', ['steps/**']],
  ['report', ['report/**']],
  ['decisions', ['plan/**']],
  ['inputs', ['inputs/**']],
  ['tag engine', ['tags/**']],
  ['post-step cleanup', ['post/**']],
  ['AWS adapter', ['aws/**']],
  ['docker adapter', ['docker/**']],
  ['registry API', ['oci/**']],
  ['network transport', ['net/**']],
  ['run context', ['context/**']],
  ['runner seam', ['runner/**']],
  ['Node runtime settings', ['runtime/**']],
  ['retry policy', ['retry.ts']],
  ['text helpers', ['text/**']],
  ['errors', ['errors.ts']],
  ['vocabulary', ['types/**']],
];

/** An import path reaching a layer file, as a glob (no-restricted-imports) and as a regex source. */
function reach(file) {
  if (file.endsWith('/**')) {
    const dir = file.slice(0, -3);
    return { glob: `**/${dir}/**`, regex: `(^|\\/)${dir}\\/` };
  }
  const module = file.replace(/\.ts$/, '.js');
  return { glob: `**/${module}`, regex: `(^|\\/)${module.replace('.', '\\.')}$` };
}

const message = (name, above) =>
  `${name} must not import from ${above}, a layer above it (see "Code map" in the README).`;

// no-restricted-imports sees static imports and re-exports only; `import('…')` (the lazily
// loaded SDK, proxy agents, subcommands) gets the same check through its syntax tree.
const layerRules = LAYERS.map(([name, files], index) => {
  const above = LAYERS.slice(0, index);
  return {
    files: files.map((f) => `src/${f}`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: above.map(([layer, layerFiles]) => ({
            group: layerFiles.map((f) => reach(f).glob),
            message: message(name, layer),
          })),
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression:not([source.type="Literal"])',
          message:
            'A dynamic import in src/ takes a string literal: the layer rule cannot check a computed path.',
        },
        ...above.map(([layer, layerFiles]) => ({
          selector: `ImportExpression[source.value=/${layerFiles.map((f) => reach(f).regex).join('|')}/]`,
          message: message(name, layer),
        })),
      ],
    },
  };
});

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
