/**
 * The CLI's documentation runs: every `ecr-build-push` command in the README's CLI section and
 * in examples/ci parses (known commands and flags), and the README's context table names every
 * CI the context reader knows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCommandLine } from '../../src/cli/args.js';
import { CIS } from '../../src/context/ci-env.js';

const ROOT = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const cliSection = readme.slice(
  readme.indexOf('\n## CLI\n'),
  readme.indexOf('\n## ', readme.indexOf('\n## CLI\n') + 1),
);

/** `ecr-build-push ARGS` commands in a text: continuation lines joined, quotes removed, variables kept. */
function commands(text: string): string[][] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  return [...joined.matchAll(/(?:^|[\s;&|(])ecr-build-push((?: +[^\s#>|;&]+)*)/gm)]
    .map((m) => (m[1] ?? '').match(/'[^']*'|"[^"]*"|\S+/g) ?? [])
    .map((args) => args.map((a) => a.replace(/^['"]|['"]$/g, '')))
    .filter((args) => args.length > 0);
}

/** The shell text of a CI file: every string in it (scripts, commands). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const EXAMPLES = readdirSync(join(ROOT, 'examples/ci')).filter((f) => /\.ya?ml$/.test(f));

describe('examples/ci and the README CLI section', () => {
  it('ship a GitLab CI and a Buildkite pipeline', () => {
    expect(EXAMPLES.sort()).toEqual(['buildkite-pipeline.yml', 'gitlab-ci.yml']);
  });

  const sources: [string, string][] = [
    ['README CLI section', cliSection],
    ...EXAMPLES.map((f): [string, string] => [
      `examples/ci/${f}`,
      strings(parse(readFileSync(join(ROOT, 'examples/ci', f), 'utf8'))).join('\n'),
    ]),
  ];
  it.each(sources)('%s: every ecr-build-push command parses', (_name, text) => {
    const found = commands(text).filter((args) => !args[0]!.startsWith('-') || args[0] === '--version');
    expect(found.length).toBeGreaterThan(0);
    for (const args of found) expect(() => parseCommandLine(args), args.join(' ')).not.toThrow();
  });

  it('the README context table has a row for every CI the context reader knows', () => {
    for (const ci of CIS)
      expect(cliSection, ci.name).toMatch(new RegExp(`^\\| ${ci.name.split(' ')[0]}`, 'm'));
  });
});
