/**
 * What dist/main.js has loaded when it makes its first request, measured rather than inferred:
 * Node runs it with a preload that logs every module file as the loader reads it (a load hook)
 * and ends the process at its first HTTP request (node:http or node:https, or fetch), the OIDC
 * token request. The sum of those files' sizes is the code on the path to the first request,
 * whether imported statically or with import().
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerEnv } from '../e2e/harness.js';
import { exec } from './docker.js';

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.BENCH_LOAD_LOG, url + '\\n');
  return next(url, context);
}`;

const PRELOAD = `import { createRequire, register } from 'node:module';
import { appendFileSync } from 'node:fs';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));
const first = () => {
  appendFileSync(process.env.BENCH_LOAD_LOG, 'FIRST-REQUEST\\n');
  process.exit(0);
};
// The builtins' module objects are shared: process.getBuiltinModule and import see these.
const require = createRequire(import.meta.url);
for (const name of ['node:http', 'node:https']) require(name).request = first;
globalThis.fetch = first;`;

export interface FirstRequestLoad {
  files: { path: string; bytes: number }[];
  bytes: number;
  /** Spawn → exit of that process: Node's start, those modules, and the code up to the request. */
  ms: number;
}

/** `inputs` and `env` as for a real run (role-to-assume set, so the OIDC request comes first). */
export async function loadedBeforeFirstRequest(
  dist: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
): Promise<FirstRequestLoad> {
  const dir = mkdtempSync(join(tmpdir(), 'ebp-bench-load-'));
  try {
    const preload = join(dir, 'preload.mjs');
    const logFile = join(dir, 'loaded.log');
    writeFileSync(preload, PRELOAD);
    writeFileSync(logFile, '');
    for (const name of ['output', 'state', 'env', 'summary']) writeFileSync(join(dir, name), '');
    const inputEnv = Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
    );
    const started = performance.now();
    await exec(process.execPath, ['--import', preload, join(dist, 'main.js')], {
      env: {
        ...runnerEnv(dir, dir, join(dir, 'event.json')),
        ...env,
        ...inputEnv,
        BENCH_LOAD_LOG: logFile,
      },
    });
    const ms = performance.now() - started;
    const lines = readFileSync(logFile, 'utf8').split('\n');
    const before = lines.slice(0, Math.max(0, lines.indexOf('FIRST-REQUEST')));
    if (!lines.includes('FIRST-REQUEST')) throw new Error('dist/main.js exited without making a request');
    const files = [...new Set(before.filter(Boolean))]
      .map((url) => fileURLToPath(url))
      .filter((path) => path.startsWith(dist))
      .map((path) => ({ path: path.slice(dist.length + 1), bytes: statSync(path).size }));
    return { files, bytes: files.reduce((sum, f) => sum + f.bytes, 0), ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
