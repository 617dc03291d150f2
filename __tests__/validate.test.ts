/**
 * `npm run validate` accepts what GitHub accepts and rejects what it rejects: the schema
 * takes any string for `uses`, so scripts/validate.mjs checks the reference forms itself
 * (`$/`, the self-repository syntax, included).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function validate(steps: string[], jobUses?: string): { code: number | null; out: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'ebp-validate-')), 'workflow.yml');
  const job = jobUses
    ? `  call:\n    uses: ${jobUses}\n`
    : `  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps.map((u) => `      - uses: ${u}\n`).join('')}`;
  writeFileSync(file, `name: t\non: push\njobs:\n${job}`);
  const r = spawnSync(process.execPath, ['scripts/validate.mjs', file], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('scripts/validate.mjs: step references', () => {
  // [uses, accepted, what the message says]
  const rows: [string, boolean, RegExp?][] = [
    ['$/', true],
    ['$/.', true],
    ['actions/checkout@v4', true],
    ['actions/cache/restore@v4', true],
    ['docker/setup-qemu-action@0123456789abcdef0123456789abcdef01234567', true],
    ['./', true],
    ['./.ecr-build-push-action', true],
    ['docker://alpine:3.20', true],
    ['$/@v1', false, /takes no @ref/],
    ['$/no/such/dir', false, /names no action of this repository \(no no\/such\/dir\/action.yml\)/],
    ['actions/checkout', false, /is not an action reference/],
    ['checkout@v4', false, /is not an action reference/],
  ];
  it.each(rows)('%s → %s', (uses, accepted, message) => {
    const r = validate([uses]);
    expect(r.code, r.out).toBe(accepted ? 0 : 1);
    if (message) expect(r.out).toMatch(message);
  });
});

describe('scripts/validate.mjs: reusable workflow calls', () => {
  const rows: [string, boolean, RegExp?][] = [
    ['$/.github/workflows/ecr-build-push.yml', true],
    ['./.github/workflows/ecr-build-push.yml', true],
    ['ecr-build-push/ecr-build-push/.github/workflows/ecr-build-push.yml@v1', true],
    ['$/.github/workflows/missing.yml', false, /names no workflow of this repository/],
    ['$/.github/workflows/ecr-build-push.yml@v1', false, /takes no @ref/],
    [
      'ecr-build-push/ecr-build-push/.github/workflows/ecr-build-push.yml',
      false,
      /is not a workflow reference/,
    ],
  ];
  it.each(rows)('%s → %s', (uses, accepted, message) => {
    const r = validate([], uses);
    expect(r.code, r.out).toBe(accepted ? 0 : 1);
    if (message) expect(r.out).toMatch(message);
  });
});
