/** The README is part of the contract: every input and output documented, the quick start intact. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PUSH_PULL_POLICY } from '../test/stack/topology.js';

const ROOT = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
};
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** The text of a `## Title` section, up to the next `## `. */
/** A `## title` section up to the next `## ` heading; lines inside code fences are not headings. */
function section(title: string): string {
  const lines = readme.split('\n');
  const start = lines.indexOf(`## ${title}`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThanOrEqual(0);
  // A fence closes only with a marker of its own length (```` may hold ``` blocks).
  let fence = '';
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const marker = /^(`{3,})/.exec(lines[i]!)?.[1];
    if (marker && !fence) fence = marker;
    else if (marker && marker === fence && lines[i]!.trim() === fence) fence = '';
    else if (!fence && lines[i]!.startsWith('## ')) {
      end = i;
      break;
    }
  }
  return lines.slice(start, end).join('\n');
}

/** First-column names of the markdown table rows in a text: `| \`name\` | ...`. */
function rowNames(text: string): string[] {
  return [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

describe('README documents action.yml', () => {
  it('has a row for every input, in the Inputs section', () => {
    const rows = rowNames(section('Inputs'));
    expect(rows.sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it('shows each input default as in action.yml', () => {
    const text = section('Inputs');
    for (const [name, spec] of Object.entries(action.inputs)) {
      const row = text.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))!;
      const cell = row.split(' | ')[1]!.trim();
      expect(cell, name).toBe(spec.default ? `\`${spec.default}\`` : '');
    }
  });

  it('has a row for every output, in the Outputs section', () => {
    const rows = rowNames(section('Outputs'));
    expect(rows.sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it('tables are what `npm run docs` generates', () => {
    expect(() =>
      execFileSync('node', ['scripts/docs.mjs', '--check'], { cwd: ROOT, stdio: 'pipe' }),
    ).not.toThrow();
  });
});

describe('README quick start and sections', () => {
  it('has exactly the two set-up commands', () => {
    const quick = section('Quick start');
    expect(quick).toContain('npm ci && npm run demo');
    expect(quick).toContain('npm ci && npm test');
    expect(quick.match(/^npm ci && /gm)).toHaveLength(2);
  });

  it('shows the workflow snippet with the OIDC permission', () => {
    const quick = section('Quick start');
    expect(quick).toContain('permissions: { id-token: write, contents: read }');
    expect(quick).toContain('uses: ecr-build-push/ecr-build-push@v1');
    expect(quick).toContain('steps.ship.outputs.image');
  });

  it('keeps the demo output placeholder markers', () => {
    const demo = section('Demo output');
    expect(demo.indexOf('<!-- demo-output -->')).toBeGreaterThanOrEqual(0);
    expect(demo.indexOf('<!-- /demo-output -->')).toBeGreaterThan(demo.indexOf('<!-- demo-output -->'));
  });

  it.each([
    'Tag rules',
    'IAM',
    'Reusable workflow',
    'Migration',
    'Immutable repositories and re-runs',
    'Dry run, act and the CLI',
    'Local stack',
    'Development',
    'Benchmarks',
  ])('has a "%s" section', (title) => {
    expect(section(title).length).toBeGreaterThan(title.length + 10);
  });

  it('IAM documents the trust and least-privilege policies', () => {
    const iam = section('IAM');
    for (const text of [
      'oidc-provider/token.actions.githubusercontent.com',
      'sts:AssumeRoleWithWebIdentity',
      'token.actions.githubusercontent.com:aud',
      'token.actions.githubusercontent.com:sub',
      'ecr:GetAuthorizationToken',
      'ecr:PutImage',
      'ecr:CreateRepository',
    ]) {
      expect(iam).toContain(text);
    }
  });

  it("the minimal permission policy is exactly the one the e2e suite's push/pull role holds", () => {
    const iam = section('IAM');
    const block = /\*\*Permission policy\*\*[\s\S]*?```json\n([\s\S]*?)```/.exec(iam)?.[1];
    const policy = JSON.parse(block!) as { Statement: { Action: string | string[] }[] };
    const documented = policy.Statement.flatMap((s) => s.Action).sort();
    expect(documented).toEqual(PUSH_PULL_POLICY.flatMap((s) => s.actions).sort());
  });

  it('names only npm scripts that exist', () => {
    const named = new Set([...readme.matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((m) => m[1]!));
    for (const name of named) expect(Object.keys(scripts), `npm run ${name}`).toContain(name);
  });

  it('links the benchmarks', () => {
    expect(section('Benchmarks')).toContain('(BENCHMARKS.md)');
  });
});

describe('README migration tables', () => {
  const text = section('Migration');
  const rows = [...text.matchAll(/^\| `([\w-]+)` \| ([^|]+) \| ([^|]+) \|$/gm)];

  it('cover the five actions', () => {
    for (const action of [
      'aws-actions/configure-aws-credentials',
      'aws-actions/amazon-ecr-login',
      'docker/setup-buildx-action',
      'docker/metadata-action',
      'docker/build-push-action',
    ])
      expect(text).toContain(`### ${action}`);
    expect(rows.length).toBeGreaterThan(70);
  });

  it.each(rows.map((m) => [m[1]!, m[2]!, m[3]!]))(
    '%s → %s names real inputs and a kind of change',
    (_old, here, change) => {
      for (const [, name] of here.matchAll(/`([\w-]+)`/g)) expect(Object.keys(action.inputs)).toContain(name);
      expect(change.trim()).toMatch(/^(same|renamed|different default|not needed|not carried over)\b/);
      if (here.trim() === '—') expect(change.trim()).toMatch(/^not (needed|carried over)/);
    },
  );
});
