import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allOutput, runAction, runCli } from './harness.js';
import { makeContext } from './contexts.js';
import { ACCOUNT, baseInputs, client, HOST, registryDigest, ROLE, stackEnv, uniqueRepo } from './support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const FIXED_LABELS = 'org.opencontainers.image.created=2026-01-01T00:00:00Z';

describe('dry run', () => {
  it('with role-to-assume but no OIDC and no credentials: no network call, and the plan', async () => {
    await client.reset();
    await client.resetRegistryStats();
    const { ACTIONS_ID_TOKEN_REQUEST_URL: _u, ACTIONS_ID_TOKEN_REQUEST_TOKEN: _t, ...noOidc } = stackEnv();
    const run = await runAction({
      inputs: {
        'role-to-assume': ROLE,
        repository: 'dry',
        'aws-region': 'eu-west-1',
        registry: ACCOUNT.id,
        context: makeContext(),
        'dry-run': 'true',
      },
      env: { ...noOidc, GITHUB_REF: 'refs/tags/v3.1.4' },
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(await client.getLog()).toEqual([]);
    expect((await client.registryStats()).requests).toBe(0);
    expect(run.outputs['tag-names']!.split('\n')).toEqual(['3.1.4', '3.1', '3', SHA, 'latest']);
    expect(run.outputs.version).toBe('3.1.4');
    const plan = JSON.parse(run.outputs.plan!);
    expect(plan).toMatchObject({ dryRun: true, mode: 'build', awsCalls: [] });
    expect(plan.command).toContain(`--tag ${HOST}/dry:3.1.4`);
    expect(run.summary).toContain('docker buildx build');
    expect(run.outputs.pushed).toBe('false');
  });

  it('with credentials makes only read-only calls and says which', async () => {
    await client.reset();
    const repo = uniqueRepo('dry-creds');
    const run = await runAction({
      inputs: { ...baseInputs(repo, makeContext()), 'dry-run': 'true' },
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    const ops = (await client.getLog()).map((r) => `${r.service}:${r.operation}`);
    expect(ops.filter((op) => /CreateRepository|PutImage|PutLifecyclePolicy|registry:/.test(op))).toEqual([]);
    expect(JSON.parse(run.outputs.plan!).awsCalls).toContain('ecr:DescribeRepositories');
    expect(run.summary).toMatch(/AWS calls made/);
  });

  it('build-in-dry-run builds (and loads) the image without pushing anything', async () => {
    await client.resetRegistryStats();
    const repo = uniqueRepo('dry-build');
    const run = await runAction({
      inputs: {
        ...baseInputs(repo, makeContext()),
        'dry-run': 'true',
        'build-in-dry-run': 'true',
        load: 'true',
      },
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(run.outputs.pushed).toBe('false');
    expect((await client.registryStats()).byKind['blob-upload'] ?? 0).toBe(0);
    const inspect = spawnSync('docker', ['image', 'inspect', `${HOST}/${repo}:${SHA}`], { encoding: 'utf8' });
    expect(inspect.status, inspect.stderr).toBe(0);
  });
});

describe('push: false', () => {
  it('builds and loads the image, and writes nothing to the registry', async () => {
    await client.resetRegistryStats();
    await client.reset();
    const repo = uniqueRepo('no-push');
    const run = await runAction({
      inputs: { ...baseInputs(repo, makeContext()), push: 'false', load: 'true' },
      env: stackEnv(),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(run.outputs.pushed).toBe('false');
    expect(run.outputs.imageid).toMatch(/^sha256:/);
    const stats = await client.registryStats();
    expect((stats.byKind['blob-upload'] ?? 0) + (stats.byKind['manifest-put'] ?? 0)).toBe(0);
    expect((await client.getLog()).filter((r) => r.operation === 'PutImage')).toEqual([]);
    expect(spawnSync('docker', ['image', 'inspect', `${HOST}/${repo}:${SHA}`]).status).toBe(0);
  });
});

describe('nektos/act', () => {
  const actEnv = (extra: Record<string, string | undefined> = {}) => ({
    ...stackEnv(),
    ACT: 'true',
    ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
    ...extra,
  });

  it('without OIDC or credentials finishes as a dry run with a notice, and cleans its private dir', async () => {
    await client.reset();
    // act shares RUNNER_TEMP=/tmp between jobs: the action must still use a private directory.
    const run = await runAction({
      inputs: baseInputs(uniqueRepo('act'), makeContext()),
      env: actEnv({ RUNNER_TEMP: '/tmp' }),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(run.main.stdout).toMatch(
      /::notice::Running under act, which has no OIDC.*--secret AWS_ACCESS_KEY_ID/,
    );
    expect(JSON.parse(run.outputs.plan!).dryRun).toBe(true);
    expect(await client.getLog()).toEqual([]);
    // The directory main saved first (it empties the state once it has removed it).
    const saved = readFileSync(join(run.files, 'state'), 'utf8');
    const jobDir = /^job-dir<<(.+)\n(.*)\n\1$/m.exec(saved)?.[2];
    expect(jobDir).toMatch(/^\/tmp\/ecr-build-push-\w{6}$/);
    expect(existsSync(jobDir!)).toBe(false);
    expect(run.state['job-dir']).toBe('');
  });

  it('with credentials passed through act, runs for real', async () => {
    const repo = uniqueRepo('act-creds');
    const { STATIC_KEYS } = await import('../test/stack/topology.js');
    const run = await runAction({
      inputs: { ...baseInputs(repo, makeContext()), registry: ACCOUNT.id },
      env: actEnv({
        AWS_ACCESS_KEY_ID: STATIC_KEYS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: STATIC_KEYS.secretAccessKey,
      }),
    });
    expect(run.main.code, allOutput(run)).toBe(0);
    expect(run.main.stdout).toMatch(/using the AWS credentials passed in/);
    expect(await registryDigest(repo, SHA)).toBe(run.outputs.digest);
  });
});

describe('CLI', () => {
  // What GitLab CI sets: the CLI derives the run context from it.
  const gitlab = {
    CI_COMMIT_SHA: SHA,
    CI_COMMIT_BRANCH: 'main',
    CI_PROJECT_PATH: 'octo-org/octo-app',
    CI_PIPELINE_ID: '77',
  };

  it('plan: a dry run from git context with no network call, outputs as JSON on stdout', async () => {
    await client.reset();
    const cli = runCli(
      'plan',
      {
        repository: 'svc',
        'aws-region': 'eu-west-1',
        context: makeContext(),
        tags: 'type=semver,pattern={{version}}\ntype=sha',
      },
      { CI_COMMIT_SHA: SHA, CI_COMMIT_TAG: 'v4.5.6', CI_PROJECT_PATH: 'grp/svc' },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.outputs['tag-names']).toEqual(['4.5.6', 'sha-0123456', 'latest']);
    expect((cli.outputs.plan as { dryRun: boolean }).dryRun).toBe(true);
    expect(await client.getLog()).toEqual([]);
  });

  it('run: web identity from AWS_WEB_IDENTITY_TOKEN_FILE (GitLab id_tokens), pushes like the action', async () => {
    const { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer, ...env } = stackEnv();
    const res = await fetch(`${url}&audience=sts.amazonaws.com`, {
      headers: { Authorization: `Bearer ${bearer}` },
    });
    const token = ((await res.json()) as { value: string }).value;
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'ebp-wi-')), 'token');
    writeFileSync(tokenFile, token);
    const repo = uniqueRepo('cli-wi');
    const cli = runCli(
      'run',
      {
        'role-to-assume': ROLE,
        'aws-region': ACCOUNT.region,
        repository: repo,
        context: makeContext(),
        'create-repository': 'true',
      },
      { ...env, ...gitlab, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.outputs['aws-account-id']).toBe(ACCOUNT.id);
    expect(await registryDigest(repo, SHA)).toBe(cli.outputs.digest);
    expect(cli.stderr).not.toContain(token);
  });

  it('rejects an unknown flag with the usage', () => {
    const cli = runCli('run', { repo: 'x' }, {});
    expect(cli.status).not.toBe(0);
    expect(cli.stderr).toMatch(/--repo/);
  });

  it('pushes the same image as the action and reports the same digest', async () => {
    const context = makeContext({ marker: 'cli-vs-action' });
    const viaAction = uniqueRepo('via-action');
    // No repository metadata in the event: the CLI has none either, so the labels (and digest) match.
    const action = await runAction({
      inputs: { ...baseInputs(viaAction, context), labels: FIXED_LABELS },
      env: stackEnv(),
      event: {},
    });
    expect(action.main.code, allOutput(action)).toBe(0);

    const viaCli = uniqueRepo('via-cli');
    const cli = runCli(
      'run',
      { ...baseInputs(viaCli, context), labels: FIXED_LABELS },
      { ...stackEnv(), ...gitlab },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(
      Object.entries(cli.outputs.labels as Record<string, string>)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    ).toBe(action.outputs.labels);
    expect(cli.outputs.digest).toBe(action.outputs.digest);
    expect(cli.outputs['tag-names']).toEqual(action.outputs['tag-names']!.split('\n'));
    expect(await registryDigest(viaCli, SHA)).toBe(action.outputs.digest);
    // The CLI is its own post step: its private dir is gone.
    expect(
      readdirSync('/tmp').filter(
        (d) => d.startsWith('ecr-build-push-') && existsSync(`/tmp/${d}/docker/config.json`),
      ),
    ).toEqual([]);
  });
});
