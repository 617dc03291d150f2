/**
 * The CLI as users run it: the bundled cli.js (bundled once per test file into a temporary
 * directory, so a stale dist/ never answers), spawned with only the environment given.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export function bundleCli(): string {
  const out = mkdtempSync(join(tmpdir(), 'ebp-cli-bundle-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), out], { cwd: ROOT, stdio: 'ignore' });
  return join(out, 'cli.js');
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

export interface CliCall {
  cwd: string;
  env?: Record<string, string>;
  /** Called with the child once it runs (to signal it). */
  started?: (child: ReturnType<typeof spawn>) => void;
}

export function runCli(cli: string, args: string[], call: CliCall): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: call.cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: call.cwd,
        // The default credential chain must not wait for an instance metadata service.
        AWS_EC2_METADATA_DISABLED: 'true',
        ...call.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      done({ code, signal, stdout, stderr, json });
    });
    call.started?.(child);
  });
}
