/**
 * The local stack in one long-running process (started detached by env.ts): TLS, the registry
 * backends, the registry proxy, the OIDC issuer and the AWS emulator. They share this process so
 * that the fault switch, the request log and the ECR state are one. Writes .stack/state.json when
 * every server listens; stops everything on SIGTERM or SIGINT.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { startAwsEmulator } from './aws/server.js';
import { engineEnv, readStackState, removeStackFiles, writeStackFiles, type StackEnv } from './env.js';
import { startOidcIssuer } from './oidc-issuer.js';
import { PATHS } from './paths.js';
import { startActionsCache } from './actions-cache.js';
import { pushBaseImage } from './base-image.js';
import { startForwardProxy } from './forward-proxy.js';
import { newRegistryPassword, PRIVATE_BACKEND, startRegistries } from './registry.js';
import { RegistryClient } from './registry-client.js';
import { startRegistryProxy } from './registry-proxy.js';
import { findRepository, onManifestPushed } from './state.js';
import { ensureTls, REGISTRY_HOSTS } from './tls.js';
import { ACCOUNTS, PORTS, PRIVATE_REGISTRY } from './topology.js';

const stops: (() => Promise<void>)[] = [];
let announced = false;

async function shutdown(code: number): Promise<never> {
  if (announced) removeStackFiles();
  // Reverse order: the servers in front go first, the backends last.
  for (const stop of stops.reverse()) await stop().catch((error: Error) => console.error(error.message));
  process.exit(code);
}

async function main(): Promise<void> {
  fs.mkdirSync(PATHS.stateDir, { recursive: true });
  // Starting the backends wipes their storage: never under a running stack.
  const running = readStackState();
  if (running) throw new Error(`a stack daemon already runs (pid ${running.pid})`);
  const registryPassword = newRegistryPassword();
  const oidcRequestToken = randomBytes(24).toString('base64url');

  const tls = ensureTls();
  const privateUser = { user: PRIVATE_REGISTRY.user, password: newRegistryPassword() };
  const registries = await startRegistries(registryPassword, privateUser);
  stops.push(registries.stop);
  const baseImage = `${PRIVATE_REGISTRY.host}/${PRIVATE_REGISTRY.baseRepository}:${PRIVATE_REGISTRY.baseTag}`;
  await pushBaseImage(
    new RegistryClient(PRIVATE_REGISTRY.backendPort, privateUser.password, privateUser.user),
    PRIVATE_REGISTRY.baseRepository,
    PRIVATE_REGISTRY.baseTag,
  );
  const proxy = await startRegistryProxy({
    cert: tls.serverCert,
    key: tls.serverKey,
    password: registryPassword,
    hooks: { findRepository, onManifestPushed },
    plainBackends: [PRIVATE_BACKEND],
  });
  stops.push(proxy.close);
  const forwardProxy = await startForwardProxy(PORTS.forwardProxy);
  stops.push(forwardProxy.close);
  const cache = await startActionsCache({ port: PORTS.cache, dir: PATHS.cacheDir });
  stops.push(cache.close);
  const oidc = await startOidcIssuer({ port: PORTS.oidc, requestToken: oidcRequestToken });
  stops.push(oidc.close);
  const aws = await startAwsEmulator({
    port: PORTS.aws,
    jwksUrl: oidc.jwksUrl,
    issuer: oidc.issuer,
    registryPassword,
  });
  stops.push(aws.close);

  const env: StackEnv = {
    AWS_ENDPOINT_URL_STS: aws.url,
    AWS_ENDPOINT_URL_ECR: aws.url,
    AWS_ENDPOINT_URL_ECR_PUBLIC: aws.url,
    ACTIONS_ID_TOKEN_REQUEST_URL: oidc.url,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidcRequestToken,
    AWS_REGION: ACCOUNTS[0]!.region,
    NODE_EXTRA_CA_CERTS: tls.caCert,
    ...engineEnv(),
    FORWARD_PROXY_URL: forwardProxy.url,
    CACHE_SERVICE_URL: cache.url,
    CACHE_SERVICE_TOKEN: cache.token,
  };
  writeStackFiles({
    pid: process.pid,
    startedAt: new Date().toISOString(),
    registryPassword,
    oidcRequestToken,
    caCert: tls.caCert,
    registryHosts: REGISTRY_HOSTS,
    ports: {
      aws: PORTS.aws,
      oidc: PORTS.oidc,
      registry: proxy.port,
      forwardProxy: PORTS.forwardProxy,
      cache: PORTS.cache,
    },
    privateRegistry: { host: PRIVATE_REGISTRY.host, ...privateUser, baseImage },
    backends: registries.backends,
    env,
  });
  announced = true;
  console.log(
    `local stack ready (pid ${process.pid}): registry :${proxy.port}, AWS ${aws.url}, OIDC ${oidc.url}`,
  );
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: stopping`);
    void shutdown(0);
  });
}
// A bug in one request handler must not leave orphaned registries behind.
process.on('uncaughtException', (error) => {
  console.error('uncaught exception:', error);
  void shutdown(1);
});

main().catch((error: Error) => {
  console.error(`local stack failed to start: ${error.stack ?? error.message}`);
  void shutdown(1);
});
