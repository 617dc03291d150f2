import { describe, expect, it } from 'vitest';
import { cliRunner } from '../../src/runner/cli-runner.js';

function runner(env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const r = cliRunner({ repository: 'my-app', 'dry-run': 'true' }, env, (line) => lines.push(line));
  return { r, lines };
}

const PASSWORD = 'eyJwYXlsb2FkIjoiRUNSIHBhc3N3b3JkIn0=';
const SESSION = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN';

describe('cliRunner masking', () => {
  // log method → prefix
  const methods: ['info' | 'notice' | 'warning', string][] = [
    ['info', ''],
    ['notice', 'notice: '],
    ['warning', 'warning: '],
  ];
  it.each(methods)('%s: masked values are redacted', (method, prefix) => {
    const { r, lines } = runner();
    r.mask(PASSWORD);
    r.mask(SESSION);
    r[method](`login with ${PASSWORD} and ${SESSION}, again ${PASSWORD}`);
    expect(lines).toEqual([`${prefix}login with *** and ***, again ***`]);
  });

  it('debug lines are redacted, and only written with ECR_BUILD_PUSH_DEBUG', () => {
    const quiet = runner();
    quiet.r.mask(PASSWORD);
    quiet.r.debug(`token ${PASSWORD}`);
    expect(quiet.lines).toEqual([]);
    const loud = runner({ ECR_BUILD_PUSH_DEBUG: '1' });
    loud.r.mask(PASSWORD);
    loud.r.debug(`token ${PASSWORD}`);
    expect(loud.lines).toEqual(['debug: token ***']);
  });

  it('a group runs its phase as it is: a terminal has no folding', async () => {
    const lines: string[] = [];
    const runner = cliRunner({}, {}, (line) => lines.push(line));
    expect(await runner.group('ECR', async () => (runner.info('inside'), 7))).toBe(7);
    expect(lines).toEqual(['inside']);
  });

  it('export-credentials has no effect in the CLI, and says so', () => {
    const { r, lines } = runner();
    r.exportVariable('AWS_ACCESS_KEY_ID', 'AKIA');
    r.exportVariable('AWS_REGION', 'eu-west-1');
    expect(lines).toEqual(['warning: export-credentials has no effect in the CLI: nothing is exported.']);
  });

  it('values masked later still redact later lines; earlier lines were written as they were', () => {
    const { r, lines } = runner();
    r.info('before: s3cr3t-value');
    r.mask('s3cr3t-value');
    r.info('after: s3cr3t-value');
    expect(lines).toEqual(['before: s3cr3t-value', 'after: ***']);
  });

  it('an empty mask is ignored (does not redact every character)', () => {
    const { r, lines } = runner();
    r.mask('');
    r.info('plain line');
    expect(lines).toEqual(['plain line']);
  });

  it('special characters in a secret are matched literally', () => {
    const { r, lines } = runner();
    r.mask('a.b*c$(d)');
    r.info('x a.b*c$(d) y aXbbc');
    expect(lines).toEqual(['x *** y aXbbc']);
  });

  it('a secret that contains a shorter secret is redacted whole', () => {
    const { r, lines } = runner();
    r.mask('AKIA');
    r.mask('AKIAEXAMPLEKEY');
    r.info('key AKIAEXAMPLEKEY');
    expect(lines).toEqual(['key ***']);
    expect(lines.join('')).not.toContain('EXAMPLEKEY');
  });
});

describe('cliRunner state', () => {
  it('inputs from flags, outputs and state collected', () => {
    const { r } = runner();
    expect(r.input('repository')).toBe('my-app');
    expect(r.input('missing')).toBe('');
    r.setOutput('digest', 'sha256:abc');
    r.saveState('jobDir', '/tmp/x');
    expect(r.outputs).toEqual({ digest: 'sha256:abc' });
    expect(r.state).toEqual({ jobDir: '/tmp/x' });
  });
});
