/**
 * The CLI on the real stack, as other CIs run it: GitLab-like and Buildkite-like environments
 * with a web identity token file give the same digest and tags as the action for the same
 * commit and rules; the packed package installs and runs; SIGINT mid-build leaves nothing.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { runCli } from '../__tests__/cli/bundled.js';
import { descendants } from '../src/cli/processes.js';
import { makeContext } from './contexts.js';
import { allOutput, ROOT, runAction } from './harness.js';
import { dockerHost, ENGINES } from '../test/stack/engines.js';
import {
  ACCOUNT,
  baseInputs,
  client,
  createRepository,
  HOST,
  registryDigest,
  ROLE,
  stackEnv,
  uniqueRepo,
} from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
// Context-derived labels pinned, so the only inputs to the digest are the build and the rules.
const LABELS = [
  'org.opencontainers.image.created=2026-01-01T00:00:00Z',
  'org.opencontainers.image.url=https://example.com/octo-app',
  'org.opencontainers.image.source=https://example.com/octo-app',
].join('\n');

const CLI = join(ROOT, 'dist/cli.js');

/** A web identity token from the stack's issuer, in a file (what GitLab and Buildkite jobs write). */
async function tokenFile(): Promise<string> {
  const { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer } = stackEnv();
  // A kept-alive connection the issuer closed meanwhile fails the first reuse: one more try.
  const request = () =>
    fetch(`${url}&audience=sts.amazonaws.com`, { headers: { Authorization: `Bearer ${bearer}` } });
  const res = await request().catch(request);
  const file = join(mkdtempSync(join(tmpdir(), 'ebp-wi-')), 'token');
  writeFileSync(file, ((await res.json()) as { value: string }).value);
  return file;
}

/** The stack's AWS endpoints and CA, without the Actions OIDC variables (other CIs have none). */
function otherCiEnv(): Record<string, string> {
  const { ACTIONS_ID_TOKEN_REQUEST_URL: _u, ACTIONS_ID_TOKEN_REQUEST_TOKEN: _t, ...env } = stackEnv();
  return env;
}

/** `--name value` for each input, list inputs once per line (the CLI's repeated form). */
function flags(inputs: Record<string, string>): string[] {
  return Object.entries(inputs).flatMap(([name, value]) =>
    value.includes('\n') ? value.split('\n').flatMap((line) => [`--${name}`, line]) : [`--${name}`, value],
  );
}

describe('CLI under other CIs: the same image and tags as the action', () => {
  // [CI, its variables, the GitHub ref and event of the same run, tag rules]
  const rows: [string, Record<string, string>, string, Record<string, unknown>, string][] = [
    [
      'GitLab branch pipeline on the default branch',
      {
        GITLAB_CI: 'true',
        CI_COMMIT_SHA: SHA,
        CI_COMMIT_BRANCH: 'main',
        CI_DEFAULT_BRANCH: 'main',
        CI_PROJECT_PATH: 'octo-org/octo-app',
        CI_PIPELINE_ID: '77',
        CI_SERVER_URL: 'https://gitlab.example.com',
        CI_PIPELINE_SOURCE: 'push',
      },
      'refs/heads/main',
      { repository: { default_branch: 'main' } },
      'type=ref,event=branch\ntype=sha,format=long\ntype=raw,value=latest,enable={{is_default_branch}}',
    ],
    [
      'Buildkite tag build',
      {
        BUILDKITE: 'true',
        BUILDKITE_COMMIT: SHA,
        BUILDKITE_BRANCH: 'v1.2.3',
        BUILDKITE_TAG: 'v1.2.3',
        BUILDKITE_PULL_REQUEST: 'false',
        BUILDKITE_REPO: 'git@github.com:octo-org/octo-app.git',
        BUILDKITE_PIPELINE_DEFAULT_BRANCH: 'main',
        BUILDKITE_BUILD_NUMBER: '9',
      },
      'refs/tags/v1.2.3',
      { repository: { default_branch: 'main' } },
      'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha,format=long',
    ],
  ];

  it.each(rows)('%s', async (_name, ciVars, ref, event, rules) => {
    const context = makeContext();
    const viaAction = uniqueRepo('ci-action');
    const action = await runAction({
      inputs: { ...baseInputs(viaAction, context), tags: rules, labels: LABELS },
      env: { ...stackEnv(), GITHUB_REF: ref, GITHUB_SHA: SHA },
      event,
    });
    expect(action.main.code, allOutput(action)).toBe(0);

    const viaCli = uniqueRepo('ci-cli');
    const runnerTemp = mkdtempSync(join(tmpdir(), 'ebp-cli-temp-'));
    const token = await tokenFile();
    const run = await runCli(
      CLI,
      ['run', ...flags({ ...baseInputs(viaCli, context), tags: rules, labels: LABELS })],
      {
        cwd: mkdtempSync(join(tmpdir(), 'ebp-cli-cwd-')),
        env: { ...otherCiEnv(), ...ciVars, AWS_WEB_IDENTITY_TOKEN_FILE: token, RUNNER_TEMP: runnerTemp },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.json!['tag-names']).toEqual(action.outputs['tag-names']!.split('\n'));
    expect(run.json!.digest).toBe(action.outputs.digest);
    expect(run.json!.pushed).toBe(true);
    expect(run.json!['aws-account-id']).toBe(ACCOUNT.id);
    for (const tag of run.json!['tag-names'] as string[])
      expect(await registryDigest(viaCli, tag), tag).toBe(action.outputs.digest);
    expect(run.stderr).not.toContain(readFileSync(token, 'utf8'));
    expect(readdirSync(runnerTemp)).toEqual([]);
  });
});

describe('login', () => {
  it("from a directory with no Dockerfile and no git: docker is logged in, in the user's own docker config", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ebp-cli-login-'));
    const dockerConfig = join(cwd, '.docker');
    mkdirSync(dockerConfig);
    const r = await runCli(CLI, ['login', '--region', ACCOUNT.region, '--role-to-assume', ROLE], {
      cwd,
      env: { ...otherCiEnv(), AWS_WEB_IDENTITY_TOKEN_FILE: await tokenFile(), DOCKER_CONFIG: dockerConfig },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ registry: HOST, 'aws-account-id': ACCOUNT.id });
    const config = JSON.parse(readFileSync(join(dockerConfig, 'config.json'), 'utf8')) as {
      auths: Record<string, unknown>;
    };
    expect(Object.keys(config.auths)).toContain(HOST);
  });
});

describe('exit codes of the failures a pipeline tells apart', () => {
  const env = async () => ({
    ...otherCiEnv(),
    GITLAB_CI: 'true',
    CI_COMMIT_SHA: SHA,
    CI_COMMIT_BRANCH: 'main',
    CI_PROJECT_PATH: 'octo-org/octo-app',
    AWS_WEB_IDENTITY_TOKEN_FILE: await tokenFile(),
  });
  const run = async (args: string[]) =>
    runCli(CLI, ['run', ...args], { cwd: mkdtempSync(join(tmpdir(), 'ebp-cli-cwd-')), env: await env() });

  it('3: the scan gate failed, after the push (which the JSON reports)', async () => {
    const repo = uniqueRepo('cli-scan');
    await client.seedFindings({ repository: repo, counts: { CRITICAL: 1, HIGH: 2 } });
    const r = await run([
      ...flags(baseInputs(repo, makeContext())),
      '--scan',
      'wait',
      '--fail-on-severity',
      'HIGH',
    ]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.json!.error).toMatchObject({ code: 'ScanGateFailed' });
    expect(r.json!.pushed).toBe(true);
    expect(r.json!['scan-findings']).toEqual({ CRITICAL: 1, HIGH: 2 });
  });

  it('4: an immutable tag would have to move (nothing built or pushed)', async () => {
    const repo = uniqueRepo('cli-immutable');
    const context = makeContext();
    const args = [...flags(baseInputs(repo, context)), '--image-tag-mutability', 'IMMUTABLE', '-t', 'stable'];
    const first = await run(args);
    expect(first.code, first.stderr).toBe(0);
    const second = await run([...args, '--build-arg', 'FLAVOUR=other']);
    expect(second.code, second.stderr).toBe(4);
    expect(second.json!.error).toMatchObject({ code: 'ImmutableTagConflict' });
    expect(second.json!.pushed).toBe(false);
  });

  it('4 also when another build pushes the tag while this one builds (two runners at once)', async () => {
    const repo = uniqueRepo('cli-immutable-race');
    await createRepository(repo, { imageTagMutability: 'IMMUTABLE' });
    const context = makeContext();
    const runs = await Promise.all(
      ENGINES.map(async (engine) =>
        runCli(
          CLI,
          [
            'run',
            ...flags(baseInputs(repo, context)),
            '-t',
            'stable',
            '--build-arg',
            `FLAVOUR=${engine.name}`,
          ],
          {
            cwd: mkdtempSync(join(tmpdir(), 'ebp-cli-cwd-')),
            env: { ...(await env()), DOCKER_HOST: dockerHost(engine) },
          },
        ),
      ),
    );
    expect(runs.map((r) => r.code).sort(), runs.map((r) => r.stderr).join('\n')).toEqual([0, 4]);
    const [won, lost] = runs[0]!.code === 0 ? [runs[0]!, runs[1]!] : [runs[1]!, runs[0]!];
    // Refused at the push (both planned before either pushed) or at the plan: the same code.
    expect(lost.json!.error).toMatchObject({ code: 'ImmutableTagConflict' });
    expect(String((lost.json!.error as { message: string }).message)).toContain(`${HOST}/${repo}:stable`);
    expect(lost.json!.pushed).toBe(false);
    expect(await registryDigest(repo, 'stable')).toBe(won.json!.digest);
  });
});

describe('the npm package', () => {
  it('npm pack, then a global install in a temporary prefix: --version and plan work', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ebp-pack-'));
    const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', tmp], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const prefix = join(tmp, 'prefix');
    // An empty cache and --offline: nothing is fetched, so the package needs nothing but itself.
    execFileSync(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        '--cache',
        join(tmp, 'cache'),
        '--offline',
        '--no-audit',
        '--no-fund',
        join(tmp, tgz),
      ],
      { cwd: tmp, stdio: 'pipe' },
    );
    const bin = join(prefix, 'bin', 'ecr-build-push');
    const env = { PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, HOME: tmp };
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8', env })).toBe(`${pkg.version}\n`);

    const project = join(tmp, 'project');
    mkdirSync(project);
    appendFileSync(join(project, 'Dockerfile'), 'FROM scratch\n');
    const plan = JSON.parse(
      execFileSync('ecr-build-push', ['plan', '--repository', 'svc', '--region', 'eu-west-1', '-t', 'v1'], {
        cwd: project,
        encoding: 'utf8',
        env,
      }),
    ) as Record<string, unknown>;
    expect(plan['tag-names']).toEqual(['v1']);
    expect((plan.plan as { dryRun: boolean }).dryRun).toBe(true);
  });
});

describe('signals', () => {
  it('SIGINT mid-build: exit 130, nothing pushed, no process and no private dir left', async () => {
    // The build fetches a file from a server that never answers: it hangs until it is stopped.
    // (RUN needs a network the stack's engine does not give builds.)
    let fetching: () => void = () => undefined;
    const fetched = new Promise<void>((done) => (fetching = done));
    const server = createServer(() => fetching());
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const context = makeContext();
    appendFileSync(join(context, 'Dockerfile'), `ADD http://127.0.0.1:${port}/never /never\n`);
    const repo = uniqueRepo('cli-sigint');
    const runnerTemp = mkdtempSync(join(tmpdir(), 'ebp-cli-temp-'));
    const children: number[] = [];
    try {
      const run = await runCli(CLI, ['run', ...flags(baseInputs(repo, context)), '-t', 'interrupted'], {
        cwd: mkdtempSync(join(tmpdir(), 'ebp-cli-cwd-')),
        env: {
          ...otherCiEnv(),
          GITLAB_CI: 'true',
          CI_COMMIT_SHA: SHA,
          CI_PROJECT_PATH: 'octo-org/octo-app',
          AWS_WEB_IDENTITY_TOKEN_FILE: await tokenFile(),
          RUNNER_TEMP: runnerTemp,
        },
        started: (child) =>
          void fetched.then(() => {
            children.push(...descendants(child.pid!));
            child.kill('SIGINT');
          }),
      });
      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).toMatch(/SIGINT: stopping \d+ child process/);
      expect(run.stderr).toMatch(/error: Interrupted by SIGINT/);
      expect(run.stderr).not.toMatch(/Unexpected error/);
      expect((run.json!.error as { code: string }).code).toBe('Interrupted');
      expect(run.json!.pushed).toBe(false);
      expect(children.length).toBeGreaterThan(0);
      for (const pid of children) expect(running(pid), `pid ${pid}`).toBe(false);
      expect(readdirSync(runnerTemp)).toEqual([]);
      expect(await registryDigest(repo, 'interrupted')).toBeUndefined();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

/** Running, not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
