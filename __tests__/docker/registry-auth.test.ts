import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createJobDir } from '../../src/docker/job-dir.js';
import { withRegistryAuth, writeRegistryAuth } from '../../src/docker/registry-auth.js';
import { DockerError } from '../../src/errors.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const OTHER = '210987654321.dkr.ecr.us-east-1.amazonaws.com';
const LOGIN = { username: 'AWS', password: 'p4ss/w+rd=' };
const AUTH = { auth: Buffer.from('AWS:p4ss/w+rd=').toString('base64') };

interface Case {
  name: string;
  /** config.json as it is before (undefined: no file). */
  before?: string;
  after: Record<string, unknown>;
}

const cases: Case[] = [
  { name: 'the empty config createJobDir writes', before: '{}\n', after: { auths: { [HOST]: AUTH } } },
  { name: 'no config.json yet', after: { auths: { [HOST]: AUTH } } },
  { name: 'an empty file', before: '', after: { auths: { [HOST]: AUTH } } },
  {
    name: 'a second registry: both stay',
    before: JSON.stringify({ auths: { [OTHER]: { auth: 'b3RoZXI=' } } }),
    after: { auths: { [OTHER]: { auth: 'b3RoZXI=' }, [HOST]: AUTH } },
  },
  {
    name: 'the same registry again: the new token replaces the old one',
    before: JSON.stringify({ auths: { [HOST]: { auth: 'b2xk' } } }),
    after: { auths: { [HOST]: AUTH } },
  },
  {
    name: 'other settings are kept',
    before: JSON.stringify({ detachKeys: 'ctrl-e,e', auths: {} }),
    after: { detachKeys: 'ctrl-e,e', auths: { [HOST]: AUTH } },
  },
  {
    name: "a helper for this host is dropped (docker would never read the entry), another host's stays",
    before: JSON.stringify({ credHelpers: { [HOST]: 'ecr-login', [OTHER]: 'ecr-login' } }),
    after: { credHelpers: { [OTHER]: 'ecr-login' }, auths: { [HOST]: AUTH } },
  },
  {
    name: 'the only helper dropped: no empty credHelpers left',
    before: JSON.stringify({ credHelpers: { [HOST]: 'ecr-login' } }),
    after: { auths: { [HOST]: AUTH } },
  },
];

describe('docker/registry-auth', () => {
  const temp = mkdtempSync(join(tmpdir(), 'registry-auth-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));
  const jobDir = () =>
    createJobDir({ RUNNER_TEMP: mkdtempSync(join(temp, 'job-')), DOCKER_CONFIG: join(temp, 'none') });

  it.each(cases)('$name', ({ before, after }) => {
    expect(JSON.parse(withRegistryAuth(before, HOST, LOGIN))).toEqual(after);
    const dir = jobDir();
    const file = join(dir.dockerConfig, 'config.json');
    if (before === undefined) rmSync(file);
    else writeFileSync(file, before);
    writeRegistryAuth(dir.dockerConfig, [{ host: HOST, login: LOGIN }]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(after);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Nothing else is left in the directory (no temporary file).
    expect(readdirSync(dir.dockerConfig)).toEqual(['config.json']);
  });

  it('reads as docker reads it: auth decodes to the username and the password', () => {
    const config = JSON.parse(withRegistryAuth('{}', HOST, LOGIN)) as {
      auths: Record<string, { auth: string }>;
    };
    expect(Buffer.from(config.auths[HOST]!.auth, 'base64').toString()).toBe('AWS:p4ss/w+rd=');
  });

  it('every login of the job in one write: the target and a base registry both land in auths', () => {
    const dir = jobDir();
    const other = '210987654321.dkr.ecr.us-east-1.amazonaws.com';
    writeRegistryAuth(dir.dockerConfig, [
      { host: HOST, login: LOGIN },
      { host: other, login: { ...LOGIN, password: 'other' } },
    ]);
    const config = JSON.parse(readFileSync(join(dir.dockerConfig, 'config.json'), 'utf8')) as {
      auths: Record<string, { auth: string }>;
    };
    expect(Object.keys(config.auths)).toEqual([HOST, other]);
    expect(Buffer.from(config.auths[other]!.auth, 'base64').toString()).toBe('AWS:other');
    expect(readdirSync(dir.dockerConfig)).toEqual(['config.json']);
  });

  it.each([0o755, 0o750, 0o777])(
    'refuses a directory others may enter (mode %o) and writes nothing',
    (mode) => {
      const dir = join(mkdtempSync(join(temp, 'shared-')), 'docker');
      mkdirSync(dir);
      chmodSync(dir, mode);
      const error = (() => {
        try {
          writeRegistryAuth(dir, [{ host: HOST, login: LOGIN }]);
        } catch (e) {
          return e;
        }
      })() as DockerError;
      expect(error).toBeInstanceOf(DockerError);
      expect(error.code).toBe('DockerConfigNotPrivate');
      expect(error.message).toContain(`mode ${mode.toString(8)}`);
      expect(error.message).not.toContain(LOGIN.password);
      expect(readdirSync(dir)).toEqual([]);
    },
  );
});
