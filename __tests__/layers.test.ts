/** The layer rule of eslint.config.mjs: an import that runs back up a layer fails the lint. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

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
    ['src/inputs/parsers.ts', '../tags/rules.js', undefined],
    ['src/steps/plan.ts', '../aws/image-labels.js', undefined],
    ['src/main.ts', './steps/plan.js', undefined],
  ];
  it.each(rows)('%s importing %s', async (file, path, layer) => {
    const found = await problems(file, `import { x } from '${path}';\nexport const y = x;\n`);
    if (layer === undefined) expect(found).toEqual([]);
    else expect(found).toEqual([expect.stringContaining(`must not import from ${layer}, a layer above it`)]);
  });

  it('type-only imports count too', async () => {
    const found = await problems(
      'src/docker/login.ts',
      `import type { Job } from '../steps/prepare.js';\nexport type J = Job;\n`,
    );
    expect(found).toHaveLength(1);
  });
});
