/**
 * Migration, measured: realistic five-action chains (configure-aws-credentials, amazon-ecr-login,
 * setup-buildx-action, metadata-action, build-push-action), their inputs mapped to ours by the
 * README's migration tables, then run. Each must push, with the tags the chain would give (by
 * metadata-action's and build-push-action's documented rules) and the same build arguments,
 * labels and secrets in the image. The tables are read from README.md: a row that is wrong
 * there fails here.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeContext } from './contexts.js';
import { allOutput, ROOT, runAction } from './harness.js';
import { ACCOUNT, HOST, registryPassword, ROLE, stackEnv, uniqueRepo } from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

type Step = Record<string, string>;
type Chain = Partial<
  Record<
    | 'configure-aws-credentials'
    | 'amazon-ecr-login'
    | 'setup-buildx-action'
    | 'metadata-action'
    | 'build-push-action',
    Step
  >
>;

const OWNER: Record<keyof Chain, string> = {
  'configure-aws-credentials': 'aws-actions',
  'amazon-ecr-login': 'aws-actions',
  'setup-buildx-action': 'docker',
  'metadata-action': 'docker',
  'build-push-action': 'docker',
};

interface Row {
  here: string[];
  change: string;
}

/** README's `### owner/action` tables: old input → our inputs and the kind of change. */
function migrationTables(): Record<string, Record<string, Row>> {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = text.slice(
    text.indexOf('## Migration\n'),
    text.indexOf('\n## ', text.indexOf('## Migration\n') + 1),
  );
  const tables: Record<string, Record<string, Row>> = {};
  let action = '';
  for (const line of section.split('\n')) {
    const heading = /^### (\S+)$/.exec(line);
    if (heading) tables[(action = heading[1]!)] = {};
    const row = /^\| `([\w-]+)` \| ([^|]+) \| ([^|]+) \|$/.exec(line);
    if (row && action) {
      tables[action]![row[1]!] = {
        here: [...row[2]!.matchAll(/`([\w-]+)`/g)].map((m) => m[1]!),
        change: row[3]!.trim(),
      };
    }
  }
  return tables;
}

const TABLES = migrationTables();

/**
 * The chain's inputs as ours, by the README: `same` and `renamed` rows carry the value over, `not
 * needed` rows drop it, values wired from an earlier step's outputs are the one step's own work.
 * The two rows that split one value in two (`images`, full references in `tags`) are split here
 * as their README rows say.
 */
function mapChain(chain: Chain): Record<string, string> {
  const ours: Record<string, string> = {};
  const set = (name: string, value: string) => {
    if (ours[name] !== undefined && ours[name] !== value)
      throw new Error(`${name} set twice: ${ours[name]} / ${value}`);
    ours[name] = value;
  };
  for (const [step, inputs] of Object.entries(chain) as [keyof Chain, Step][]) {
    const table = TABLES[`${OWNER[step]}/${step}`];
    expect(table, `README has a table for ${step}`).toBeDefined();
    for (const [input, value] of Object.entries(inputs)) {
      const row = table![input];
      expect(row, `README maps ${step}'s ${input}`).toBeDefined();
      if (step === 'metadata-action' && input === 'images') {
        // HOST/REPO, or amazon-ecr-login's output `registry` then /REPO.
        const [host, ...path] = value.split('/');
        if (!host!.includes('${{')) set('registry', host!);
        set('repository', path.join('/'));
        continue;
      }
      if (/^not (needed|carried over)/.test(row!.change) || /\$\{\{\s*steps\./.test(value)) continue;
      if (step === 'amazon-ecr-login' && input === 'registries') {
        set('registry', value);
      } else {
        if (step === 'build-push-action' && input === 'tags' && !value.includes('=')) {
          const ref = value.split(/[,\n]/)[0]!.trim();
          set('registry', ref.slice(0, ref.indexOf('/')));
          set('repository', ref.slice(ref.indexOf('/') + 1, ref.lastIndexOf(':')));
        }
        expect(row!.here, `${step}'s ${input} maps to one input`).toHaveLength(1);
        set(row!.here[0]!, value);
      }
    }
  }
  return ours;
}

interface Case {
  name: string;
  ref: string;
  event?: { name: string; payload: Record<string, unknown> };
  chain: (repo: string) => Chain;
  /** The tags the chain pushes. */
  tags: string[];
  /** Build arguments as buildx receives them from build-push-action. */
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** Secrets the build must see (id → value). */
  secrets?: Record<string, string>;
}

const AUTH = { 'role-to-assume': ROLE, 'aws-region': ACCOUNT.region };
const META_FROM_ECR = (repo: string) => ({ images: `${HOST}/${repo}` });
const BPA_FROM_META = {
  push: 'true',
  tags: '${{ steps.meta.outputs.tags }}',
  labels: '${{ steps.meta.outputs.labels }}',
};
const TAG_PUSH = 'refs/tags/v1.2.3';

/** metadata-action's default tag rules written out, as the README shows them. */
const metadataDefaultTags = (repo: string): Chain => ({
  'configure-aws-credentials': AUTH,
  'metadata-action': {
    ...META_FROM_ECR(repo),
    tags: 'type=schedule\ntype=ref,event=branch\ntype=ref,event=tag\ntype=ref,event=pr',
  },
  'build-push-action': BPA_FROM_META,
});

const CASES: Case[] = [
  {
    name: 'branch push, branch and short-sha tags',
    ref: 'refs/heads/main',
    chain: (repo) => ({
      'configure-aws-credentials': AUTH,
      'amazon-ecr-login': {},
      'setup-buildx-action': {},
      'metadata-action': { ...META_FROM_ECR(repo), tags: 'type=ref,event=branch\ntype=sha' },
      'build-push-action': { context: '.', ...BPA_FROM_META },
    }),
    tags: ['main', 'sha-0123456'],
  },
  {
    name: 'release tag, semver patterns, latest by flavor auto',
    ref: TAG_PUSH,
    chain: (repo) => ({
      'configure-aws-credentials': {
        ...AUTH,
        'role-session-name': 'release',
        'role-duration-seconds': '900',
      },
      'amazon-ecr-login': { 'mask-password': 'true' },
      'metadata-action': {
        ...META_FROM_ECR(repo),
        tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}',
      },
      'build-push-action': BPA_FROM_META,
    }),
    tags: ['1.2.3', '1.2', 'latest'],
  },
  {
    name: "metadata-action's default tags written out (README), on a branch",
    ref: 'refs/heads/main',
    chain: metadataDefaultTags,
    tags: ['main'],
  },
  {
    name: "metadata-action's default tags written out, on a tag push",
    ref: 'refs/tags/v1.2.3',
    chain: metadataDefaultTags,
    tags: ['v1.2.3', 'latest'],
  },
  {
    name: 'pull request: pr-N',
    ref: 'refs/pull/42/merge',
    event: {
      name: 'pull_request',
      payload: {
        number: 42,
        pull_request: { number: 42, head: { sha: 'f'.repeat(40), ref: 'feature' }, base: { ref: 'main' } },
      },
    },
    chain: (repo) => ({
      'configure-aws-credentials': AUTH,
      'metadata-action': { ...META_FROM_ECR(repo), tags: 'type=ref,event=pr' },
      'build-push-action': BPA_FROM_META,
    }),
    tags: ['pr-42'],
  },
  {
    name: 'build-push-action alone: full references (CSV, comma separated), build-args with a quoted comma',
    ref: 'refs/heads/main',
    chain: (repo) => ({
      'configure-aws-credentials': AUTH,
      'amazon-ecr-login': {},
      'build-push-action': {
        push: 'true',
        tags: `${HOST}/${repo}:v9,${HOST}/${repo}:stable`,
        'build-args': '"GREETING=hello, world"\nPLAIN=1',
      },
    }),
    tags: ['v9', 'stable'],
    buildArgs: { GREETING: 'hello, world', PLAIN: '1' },
  },
  {
    name: 'full references one per line, labels with a quoted comma and an = in the value',
    ref: 'refs/heads/main',
    chain: (repo) => ({
      'configure-aws-credentials': AUTH,
      'build-push-action': {
        push: 'true',
        tags: `${HOST}/${repo}:edge\n${HOST}/${repo}:nightly`,
        labels: 'org.opencontainers.image.vendor=Acme\n"com.example.note=a, b"\ncom.example.expr=x=y',
      },
    }),
    tags: ['edge', 'nightly'],
    labels: {
      'org.opencontainers.image.vendor': 'Acme',
      'com.example.note': 'a, b',
      'com.example.expr': 'x=y',
    },
  },
  {
    name: 'quoted secrets (a comma and a quote inside), build args beside metadata-action tags',
    ref: TAG_PUSH,
    chain: (repo) => ({
      'configure-aws-credentials': AUTH,
      'metadata-action': { ...META_FROM_ECR(repo), tags: 'type=semver,pattern={{version}}' },
      'build-push-action': {
        ...BPA_FROM_META,
        network: 'none',
        secrets: '"npm_token=abc,def"\n"note=say ""hi"""',
        'build-args': 'VERSION=1.2.3',
      },
    }),
    tags: ['1.2.3', 'latest'],
    buildArgs: { VERSION: '1.2.3' },
    secrets: { npm_token: 'abc,def', note: 'say "hi"' },
  },
  {
    name: 'flavor suffix and latest=false, raw tag from an empty expression disabled',
    ref: 'refs/heads/main',
    chain: (repo) => ({
      'configure-aws-credentials': AUTH,
      'metadata-action': {
        ...META_FROM_ECR(repo),
        tags: 'type=ref,event=branch\ntype=raw,value=,enable=false\ntype=raw,value=stable,enable={{is_default_branch}}',
        flavor: 'latest=false\nsuffix=-alpine',
      },
      'build-push-action': BPA_FROM_META,
    }),
    tags: ['main-alpine', 'stable-alpine'],
  },
  {
    name: 'long sha with a prefix, a date-free raw tag, build args and labels on both steps',
    ref: 'refs/heads/release',
    chain: (repo) => ({
      'configure-aws-credentials': AUTH,
      'amazon-ecr-login': { registries: ACCOUNT.id },
      'setup-buildx-action': { 'driver-opts': 'image=moby/buildkit:latest' },
      'metadata-action': {
        images: `\${{ steps.ecr.outputs.registry }}/${repo}`,
        tags: 'type=sha,format=long,prefix=commit-\ntype=raw,value=candidate',
        labels: 'org.opencontainers.image.title=Migrated',
      },
      'build-push-action': {
        push: 'true',
        tags: '${{ steps.meta.outputs.tags }}',
        'build-args': 'NODE_VERSION=20\nEMPTY=',
      },
    }),
    tags: [`commit-${SHA}`, 'candidate'],
    buildArgs: { NODE_VERSION: '20', EMPTY: '' },
    labels: { 'org.opencontainers.image.title': 'Migrated' },
  },
  {
    name: 'pre-release tag: only the full version, never latest',
    ref: 'refs/tags/v2.0.0-rc.1',
    chain: (repo) => ({
      'configure-aws-credentials': AUTH,
      'metadata-action': {
        ...META_FROM_ECR(repo),
        tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}',
      },
      'build-push-action': BPA_FROM_META,
    }),
    tags: ['2.0.0-rc.1'],
  },
  {
    name: 'type=match on a tag, and type=ref,event=tag',
    ref: 'refs/tags/app-v3.4',
    chain: (repo) => ({
      'configure-aws-credentials': AUTH,
      'metadata-action': {
        ...META_FROM_ECR(repo),
        tags: 'type=match,pattern=app-v(.*),group=1\ntype=ref,event=tag',
        flavor: 'latest=false',
      },
      'build-push-action': { ...BPA_FROM_META, 'build-args': 'TARGET_ENV=prod' },
    }),
    tags: ['3.4', 'app-v3.4'],
    buildArgs: { TARGET_ENV: 'prod' },
  },
];

/** A context whose image records each build argument as a label and checks each secret's hash. */
function contextFor(c: Case): string {
  const dir = makeContext();
  const lines = ['FROM scratch', 'COPY busybox /bin/busybox'];
  for (const key of Object.keys(c.buildArgs ?? {}))
    lines.push(`ARG ${key}`, `LABEL "arg.${key}"="\${${key}}"`);
  for (const [id, value] of Object.entries(c.secrets ?? {})) {
    const hash = createHash('sha256').update(value).digest('hex');
    const script = `test "$(/bin/busybox sha256sum /run/secrets/${id} | /bin/busybox cut -c1-64)" = ${hash}`;
    lines.push(`RUN --mount=type=secret,id=${id} ${JSON.stringify(['/bin/busybox', 'sh', '-c', script])}`);
  }
  writeFileSync(join(dir, 'Dockerfile'), `${lines.join('\n')}\n`);
  return dir;
}

/** The image config's labels, read from the registry backend. */
async function imageLabels(repo: string, tag: string): Promise<Record<string, string>> {
  const headers = {
    Authorization: `Basic ${Buffer.from(`AWS:${registryPassword()}`).toString('base64')}`,
    Accept:
      'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
  };
  const base = `http://127.0.0.1:${ACCOUNT.backendPort}/v2/${repo}`;
  const manifest = (await (await fetch(`${base}/manifests/${tag}`, { headers })).json()) as {
    config: { digest: string };
  };
  const config = (await (await fetch(`${base}/blobs/${manifest.config.digest}`, { headers })).json()) as {
    config?: { Labels?: Record<string, string> };
  };
  return config.config?.Labels ?? {};
}

describe('migration: chains mapped by the README tables', () => {
  it('the tables map every input these chains use', () => {
    for (const c of CASES) expect(() => mapChain(c.chain('probe'))).not.toThrow();
    expect(CASES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(CASES)('$name', async (c) => {
    const repo = uniqueRepo('migrate');
    const chain = c.chain(repo);
    const inputs = { ...mapChain(chain), context: contextFor(c), 'create-repository': 'true' };
    const run = await runAction({
      inputs,
      env: {
        ...stackEnv(),
        GITHUB_REF: c.ref,
        GITHUB_REF_NAME: c.ref.replace(/^refs\/(heads|tags)\//, ''),
        ...(c.event ? { GITHUB_EVENT_NAME: c.event.name } : {}),
      },
      event: c.event
        ? { ...c.event.payload, repository: { name: 'octo-app', default_branch: 'main' } }
        : undefined,
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(run.outputs['tag-names']!.split('\n').sort()).toEqual([...c.tags].sort());
    expect(run.outputs.pushed).toBe('true');
    const labels = await imageLabels(repo, c.tags[0]!);
    for (const [key, value] of Object.entries(c.buildArgs ?? {}))
      expect(labels[`arg.${key}`], key).toBe(value);
    for (const [key, value] of Object.entries(c.labels ?? {})) expect(labels[key], key).toBe(value);
    const shown = allOutput(run)
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    for (const value of Object.values(c.secrets ?? {})) expect(shown).not.toContain(value);
  });
});
