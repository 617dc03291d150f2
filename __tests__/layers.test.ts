/** The layer rule of eslint.config.mjs: an import that runs back up a layer fails the lint. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
const LAYER_RULES = ['no-restricted-imports', 'no-restricted-syntax'];

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => LAYER_RULES.includes(m.ruleId ?? '')).map((m) => m.message);
}

// How a module reaches another: each row below is checked in every form.
const forms: [string, (path: string) => string][] = [
  ['import', (path) => `import { x } from '${path}';\nexport const y = x;\n`],
  ['import type', (path) => `import type { X } from '${path}';\nexport type Y = X;\n`],
  ['export from', (path) => `export { x } from '${path}';\n`],
  ['dynamic import', (path) => `export const load = () => import('${path}');\n`],
];

describe('layer rule', () => {
  // file, import → the layer it must not reach (undefined: allowed)
  const rows: [string, string, string | undefined][] = [
    ['src/aws/ecr.ts', '../steps/plan.js', 'phases'],
    ['src/tags/engine.ts', '../inputs/types.js', 'inputs'],
    ['src/report/run-report.ts', '../steps/prepare.js', 'phases'],
    ['src/oci/copy-image.ts', '../aws/ecr.js', 'AWS adapter'],
    ['src/types/registry.ts', '../errors.js', 'errors'],
    ['src/steps/plan.ts', '../main.js', 'main'],
    ['src/docker/login.ts', '../post/state.js', 'post-step cleanup'],
    ['src/net/proxy.ts', '../aws/ecr.js', 'AWS adapter'],
    ['src/context/ci-env.ts', '../net/transport.js', 'network transport'],
    ['src/steps/build.ts', '../cli/run.js', 'entry points'],
    ['src/inputs/parsers.ts', '../tags/rules.js', undefined],
    ['src/steps/plan.ts', '../aws/image-labels.js', undefined],
    ['src/main.ts', './steps/plan.js', undefined],
    ['src/aws/registry-login.ts', './ecr-public.js', undefined],
    ['src/aws/ecr.ts', '../net/transport.js', undefined],
    // Names that only look like a layer's: `steps-x/`, `domain.js` are no layer.
    ['src/aws/ecr.ts', '../steps-x/plan.js', undefined],
    ['src/types/registry.ts', './domain.js', undefined],
  ];
  const cases = rows.flatMap(([file, path, layer]) =>
    forms.map(([form, code]) => [file, form, path, code(path), layer] as const),
  );
  it.each(cases)('%s, %s %s', async (file, _form, _path, code, layer) => {
    const found = await problems(file, code);
    if (layer === undefined) expect(found).toEqual([]);
    else expect(found).toEqual([expect.stringContaining(`must not import from ${layer}, a layer above it`)]);
  });

  it('a dynamic import with a computed path fails: the rule could not check it', async () => {
    const found = await problems('src/aws/sdk.ts', 'export const load = (p: string) => import(p);\n');
    expect(found).toEqual([expect.stringContaining('takes a string literal')]);
  });
});
