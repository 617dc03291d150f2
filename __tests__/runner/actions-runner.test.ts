import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { actionsRunner } from '../../src/runner/actions-runner.js';

/** The runner's file commands, as files of a temporary directory. */
function files() {
  const dir = mkdtempSync(join(tmpdir(), 'runner-'));
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY']) {
    env[name] = join(dir, name);
    writeFileSync(env[name], '');
  }
  return env;
}

describe('runner/actions-runner', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('inputs from INPUT_*, outputs, state, env and summary through the file commands', async () => {
    const env = files();
    for (const [name, value] of Object.entries({ ...env, 'INPUT_DRY-RUN': 'true' })) vi.stubEnv(name, value!);
    const runner = actionsRunner(process.env);
    expect(runner.input('dry-run')).toBe('true');
    runner.setOutput('digest', 'sha256:abc');
    runner.saveState('job-dir', '/tmp/x');
    runner.exportVariable('AWS_REGION', 'eu-west-1');
    await runner.summary('## done');
    expect(readFileSync(env.GITHUB_OUTPUT!, 'utf8')).toContain('sha256:abc');
    expect(readFileSync(env.GITHUB_STATE!, 'utf8')).toContain('/tmp/x');
    expect(readFileSync(env.GITHUB_ENV!, 'utf8')).toContain('eu-west-1');
    expect(readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain('## done');
  });

  it('log lines and masks are workflow commands on stdout', () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const runner = actionsRunner({});
    runner.mask('s3cr3t');
    runner.info('plain');
    runner.notice('heads up');
    runner.warning('careful');
    runner.debug('details');
    write.mockRestore();
    expect(lines.join('')).toMatch(
      /::add-mask::s3cr3t[\s\S]*plain[\s\S]*::notice::heads up[\s\S]*::warning::careful[\s\S]*::debug::details/,
    );
  });

  it('a group folds the lines of its phase and ends also when the phase fails', async () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const runner = actionsRunner({});
    const value = await runner.group('ECR', async () => {
      runner.info('inside');
      return 7;
    });
    const failed = await runner
      .group('Build', () => Promise.reject(new Error('boom')))
      .catch((e: Error) => e);
    write.mockRestore();
    expect(value).toBe(7);
    expect((failed as Error).message).toBe('boom');
    expect(lines.join('')).toMatch(
      /^::group::ECR\n[\s\S]*inside\n::endgroup::\n::group::Build\n::endgroup::\n$/,
    );
  });

  it('no summary file (not under the runner): the summary is skipped', async () => {
    await expect(actionsRunner({}).summary('## nothing')).resolves.toBeUndefined();
  });
});
