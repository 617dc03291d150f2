/**
 * Pieces of the running stack the e2e suite builds on (root, under the e2e lock): the private
 * registry's base image behind a login, and the forward proxy in the path of real clients.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { client, dockerConfigWith, privateRegistry, proxyEnv, stackEnv } from '../../../e2e/support.js';
import { ENGINES, dockerHost } from '../engines.js';
import { useStack } from './use-stack.js';

useStack();

function docker(args: string[], env: Record<string, string>) {
  const r = spawnSync('docker', args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function contextFrom(base: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ebp-ctx-'));
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${base}\nRUN echo built > /built && cat /built\n`);
  return dir;
}

describe('private registry', () => {
  it.each(ENGINES.map((e) => [e.name, e] as const))(
    '%s engine: the base image builds only with a login made before',
    (_, engine) => {
      const { baseImage, login } = privateRegistry();
      const context = contextFrom(baseImage);
      const build = (config: string) =>
        docker(['buildx', 'build', '--progress=plain', '--no-cache', '--pull', '--network=none', context], {
          DOCKER_CONFIG: config,
          DOCKER_HOST: dockerHost(engine),
        });
      const anonymous = build(dockerConfigWith([], engine.name));
      expect(anonymous.code).not.toBe(0);
      expect(anonymous.out).toMatch(/401 Unauthorized|authorization failed|no basic auth credentials/i);
      const loggedIn = build(dockerConfigWith([login], engine.name));
      expect(loggedIn.code, loggedIn.out).toBe(0);
      expect(loggedIn.out).toContain('built');
    },
  );

  it('is no ECR: the registry password of the ECR hosts does not open it', () => {
    const { host } = privateRegistry();
    expect(() => dockerConfigWith([{ host, user: 'AWS', password: 'whatever' }])).toThrow();
  });
});

describe('forward proxy', () => {
  it('sees the HTTPS tunnel to a registry host and the plain HTTP request to the AWS emulator', async () => {
    await client.reset();
    const env = { ...proxyEnv(), NODE_EXTRA_CA_CERTS: stackEnv().NODE_EXTRA_CA_CERTS! };
    const registry = `https://${privateRegistry().host}/v2/`;
    const aws = `${stackEnv().AWS_ENDPOINT_URL_STS}/?Action=GetCallerIdentity&Version=2011-06-15`;
    for (const url of [registry, aws]) {
      const r = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', url], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      expect(r.stdout, r.stderr).toMatch(/^[1-5]\d\d$/);
    }
    expect((await client.proxyLog()).map((e) => [e.method, e.target, e.status])).toEqual([
      ['CONNECT', `${privateRegistry().host}:443`, 200],
      ['GET', aws, 403],
    ]);
  });
});
