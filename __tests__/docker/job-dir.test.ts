import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup } from '../../src/post/cleanup.js';
import { readPostState } from '../../src/post/state.js';
import { createJobDir, dockerEnv, writeSecretFile } from '../../src/docker/job-dir.js';
import { ActionError } from '../../src/errors.js';

describe('docker/job-dir and cleanup', () => {
  const temp = mkdtempSync(join(tmpdir(), 'core-jobdir-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  /** A RUNNER_TEMP of its own, and a user docker config without plugins (the real ~/.docker is never read). */
  function runnerEnv(name: string): NodeJS.ProcessEnv {
    return { RUNNER_TEMP: join(temp, name, 'runner-temp'), DOCKER_CONFIG: join(temp, name, 'user-docker') };
  }
  const mode = (path: string) => statSync(path).mode & 0o777;

  describe('createJobDir', () => {
    it('makes a 0700 directory under RUNNER_TEMP with docker/config.json 0600', () => {
      const env = runnerEnv('layout');
      const dir = createJobDir(env);
      expect(dirname(dir.root)).toBe(env.RUNNER_TEMP);
      expect(dir.root).toMatch(/ecr-build-push-[^/]+$/);
      expect(mode(dir.root)).toBe(0o700);
      expect(dir.dockerConfig).toBe(join(dir.root, 'docker'));
      expect(mode(dir.dockerConfig)).toBe(0o700);
      expect(mode(dir.secrets)).toBe(0o700);
      const config = join(dir.dockerConfig, 'config.json');
      expect(mode(config)).toBe(0o600);
      expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({});
      expect(dir.metadataFile).toBe(join(dir.root, 'metadata.json'));
      expect(dir.iidFile).toBe(join(dir.root, 'iid'));
      expect(existsSync(join(dir.dockerConfig, 'cli-plugins'))).toBe(false);
    });

    it("starts from the user's logins; the user's file is only read", () => {
      const env = runnerEnv('seeded');
      mkdirSync(env.DOCKER_CONFIG!, { recursive: true });
      const user = join(env.DOCKER_CONFIG!, 'config.json');
      const text = `${JSON.stringify({ auths: { 'registry.octo.example': { auth: 'b2N0bzpwdw==' } }, currentContext: 'x' })}\n`;
      writeFileSync(user, text);
      const dir = createJobDir(env);
      expect(JSON.parse(readFileSync(join(dir.dockerConfig, 'config.json'), 'utf8'))).toEqual({
        auths: { 'registry.octo.example': { auth: 'b2N0bzpwdw==' } },
      });
      expect(readFileSync(user, 'utf8')).toBe(text);
    });

    it('two jobs sharing RUNNER_TEMP (act: /tmp) get different directories', () => {
      const env = runnerEnv('shared');
      const a = createJobDir(env);
      const b = createJobDir(env);
      expect(a.root).not.toBe(b.root);
      expect(dirname(a.root)).toBe(dirname(b.root));
    });

    it("links the user's CLI plugins (buildx) into the private config", () => {
      const env = runnerEnv('plugins');
      const plugins = join(env.DOCKER_CONFIG!, 'cli-plugins');
      mkdirSync(plugins, { recursive: true });
      const dir = createJobDir(env);
      const link = join(dir.dockerConfig, 'cli-plugins');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(plugins);
    });
  });

  describe('writeSecretFile', () => {
    // secret id → file name inside secrets/
    const rows: [string, string][] = [
      ['npm', 'npm'],
      ['github_token', 'github_token'],
      ['my.secret-1', 'my.secret-1'],
      ['../../etc/passwd', '.._.._etc_passwd'],
      ['a/b c', 'a_b_c'],
    ];
    it.each(rows)('%s → secrets/%s, 0600, value intact', (id, file) => {
      const dir = createJobDir(runnerEnv(`secret-${file}`));
      const value = 'line1\nline2 $(not-run) `x` ;';
      const path = writeSecretFile(dir, id, value);
      expect(path).toBe(join(dir.secrets, file));
      expect(dirname(path)).toBe(dir.secrets);
      expect(mode(path)).toBe(0o600);
      expect(readFileSync(path, 'utf8')).toBe(value);
    });
  });

  describe('dockerEnv', () => {
    const base: NodeJS.ProcessEnv = {
      PATH: '/usr/bin:/bin',
      HOME: '/home/runner',
      RUNNER_TEMP: '/home/runner/work/_temp',
      ACTIONS_RUNTIME_TOKEN: 'runtime',
      ACTIONS_CACHE_URL: 'https://cache.example/',
      DOCKER_CONFIG: '/home/runner/.docker',
      UNSET: undefined,
    };
    const dir = { dockerConfig: '/home/runner/work/_temp/ecr-build-push-x/docker' };

    // credential variables that must not reach docker children
    const stripped: [string, string][] = [
      ['AWS_ACCESS_KEY_ID', 'ASIAEXAMPLE'],
      ['AWS_SECRET_ACCESS_KEY', 'secret'],
      ['AWS_SESSION_TOKEN', 'session'],
      ['ACTIONS_ID_TOKEN_REQUEST_URL', 'https://token.actions.example/'],
      ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'request-token'],
      ['AWS_CONTAINER_AUTHORIZATION_TOKEN', 'container-auth'],
    ];
    it.each(stripped)('%s is stripped', (key, value) => {
      const out = dockerEnv({ ...base, [key]: value }, dir);
      expect(out).not.toHaveProperty(key);
      expect(Object.values(out)).not.toContain(value);
    });

    it('no AWS_* or ACTIONS_ID_TOKEN_* variable is left at all', () => {
      const env = {
        ...Object.fromEntries(stripped),
        AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials',
        AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/token',
        AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/x',
        AWS_PROFILE: 'prod',
      };
      const out = dockerEnv({ ...base, ...env }, dir);
      expect(Object.keys(out).filter((k) => /^(AWS_|ACTIONS_ID_TOKEN_)/.test(k))).toEqual([]);
    });

    it('sets DOCKER_CONFIG to the private dir, keeps what docker reads, drops undefined', () => {
      const out = dockerEnv(base, dir);
      expect(out.DOCKER_CONFIG).toBe(dir.dockerConfig);
      expect(out.PATH).toBe('/usr/bin:/bin');
      expect(out.HOME).toBe('/home/runner');
      expect(out).not.toHaveProperty('UNSET');
    });

    // allowlist: what docker and buildx read passes, inputs and tokens never do
    const passed: [string, boolean, boolean][] = [
      // name, kept without gha, kept with gha
      ['HTTPS_PROXY', true, true],
      ['no_proxy', true, true],
      ['SSL_CERT_FILE', true, true],
      ['DOCKER_HOST', true, true],
      ['BUILDX_BUILDER', true, true],
      ['BUILDKIT_PROGRESS', true, true],
      ['GITHUB_REPOSITORY', true, true],
      ['LC_ALL', true, true],
      ['INPUT_SECRETS', false, false],
      ['INPUT_BUILD-ARGS', false, false],
      ['GITHUB_TOKEN', false, false],
      ['DOCKER_AUTH_CONFIG', false, false],
      ['NPM_TOKEN', false, false],
      ['DB_PASSWORD', false, false],
      ['NODE_OPTIONS', false, false],
      ['ACTIONS_RUNTIME_TOKEN', false, true],
      ['ACTIONS_RESULTS_URL', false, true],
      ['ACTIONS_CACHE_URL', false, true],
      ['ACTIONS_CACHE_SERVICE_V2', false, true],
      ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', false, false],
      ['AWS_SESSION_TOKEN', false, false],
    ];
    it.each(passed)('%s: kept %s, with a gha cache %s', (key, plain, gha) => {
      const env = { ...base, [key]: 'v' };
      expect(dockerEnv(env, dir)[key] === 'v').toBe(plain);
      expect(dockerEnv(env, dir, { gha: true })[key] === 'v').toBe(gha);
    });

    it('without a private dir (CLI login) the user DOCKER_CONFIG stays', () => {
      expect(dockerEnv(base).DOCKER_CONFIG).toBe('/home/runner/.docker');
      expect(dockerEnv(base)).not.toHaveProperty('BUILDX_CONFIG');
    });

    // BUILDX_CONFIG keeps the user's builders where they live
    const buildx: [NodeJS.ProcessEnv, string][] = [
      [{ DOCKER_CONFIG: '/home/runner/.docker' }, '/home/runner/.docker/buildx'],
      [{ DOCKER_CONFIG: '/cfg', BUILDX_CONFIG: '/custom/buildx' }, '/custom/buildx'],
    ];
    it.each(buildx)('%j → BUILDX_CONFIG %s', (env, expected) => {
      expect(dockerEnv(env, dir).BUILDX_CONFIG).toBe(expected);
    });
  });

  describe('createJobDir', () => {
    it('RUNNER_TEMP that is a file: an ActionError naming it, not a stack', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'runner-temp-file-')), 'temp');
      writeFileSync(file, '');
      let error: unknown;
      try {
        createJobDir({ RUNNER_TEMP: file });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ActionError);
      expect((error as ActionError).message).toMatch(
        /^Cannot create the job's private directory under RUNNER_TEMP, ".*temp": E(?:NOTDIR|EXIST)\.$/,
      );
      expect((error as ActionError).hint).toMatch(/is a file/);
    });
  });

  describe('cleanup', () => {
    it('removes the private directory with its credentials and secrets; no docker needed', async () => {
      const env = runnerEnv('cleanup');
      const dir = createJobDir(env);
      writeSecretFile(dir, 'npm', 'secret');
      const result = await cleanup(
        readPostState((name) => (name === 'job-dir' ? dir.root : '')),
        env,
      );
      expect(result).toEqual({ problems: [] });
      expect(existsSync(dir.root)).toBe(false);
      expect(existsSync(env.RUNNER_TEMP!)).toBe(true);
    });

    it('no job dir saved (main failed early): nothing to do', async () => {
      expect(
        await cleanup(
          readPostState(() => ''),
          {},
        ),
      ).toEqual({ problems: [] });
    });

    it('an already removed directory is not a problem', async () => {
      const gone = join(temp, 'never-created');
      expect(
        await cleanup(
          readPostState((name) => ({ 'job-dir': gone, hosts: ',' })[name] ?? ''),
          {},
        ),
      ).toEqual({
        problems: [],
      });
    });
  });
});
