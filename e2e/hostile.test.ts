/**
 * The hostile-input table: what an attacker or a careless user can put in the inputs, the
 * environment and the event payload, run through the bundled action like the runner does. For
 * every row: the exit code; exactly one `::error::` line, under 2,000 characters, naming the input
 * or the cause; no stack trace; no secret canary anywhere but `::add-mask::` lines (output of both
 * steps, outputs, state, env, summary, files left); no injected workflow command obeyed; nothing
 * left under RUNNER_TEMP after the post step.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '../test/stack/faults.js';
import { allOutput, runAction, type ActionRun } from './harness.js';
import { makeContext } from './contexts.js';
import { baseInputs, client, filesUnder, stackEnv, uniqueRepo } from './support.js';

/** In every row's `secrets`: it must never be seen outside `::add-mask::`. */
const CANARY = 'canary-3f9a1c7e5b2d';
/** The text an injected workflow command carries: no line the runner reads may start with it. */
const INJECTED = 'INJECTED-7c1e';
const PEM = `-----BEGIN PRIVATE KEY-----\nMIIEcanaryPemLine1${CANARY}\nMIIEcanaryPemLine2${CANARY}\n-----END PRIVATE KEY-----`;
const TOKEN = `ghp_${CANARY}AbCd/Ef+Gh==`;
const HUGE = 'a'.repeat(100_000);

interface Row {
  name: string;
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  event?: Record<string, unknown> | null;
  faults?: Fault[];
  /** Exit code of the main step (1 unless the row is input the action must take). */
  code?: number;
  /** What the one `::error::` line must mention (the input or the cause). */
  error?: RegExp;
  /** Extra secrets that must never show (besides CANARY). */
  canaries?: string[];
  /** Run as a user other than root (see ActionJob.user). */
  user?: { uid: number; gid: number };
}

const scratch = mkdtempSync(join(tmpdir(), 'ebp-hostile-'));
const fileAt = (name: string, text: string) => {
  writeFileSync(join(scratch, name), text);
  return join(scratch, name);
};
const dirAt = (name: string) => {
  mkdirSync(join(scratch, name), { recursive: true });
  return join(scratch, name);
};
const NO_OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined };
const sts = (code: string, message: string, status = 400, count = 10): Fault[] => [
  { target: 'sts:AssumeRoleWithWebIdentity', count, kind: 'status', status, code, message },
];
const ecr = (operation: string, code: string, message: string, status = 400, count = 10): Fault[] => [
  { target: `ecr:${operation}`, count, kind: 'status', status, code, message },
];

const ROWS: Row[] = [
  // workflow-command injection through single-line inputs
  {
    name: 'newline + ::warning:: in target',
    inputs: { target: `prod\n::warning::${INJECTED}` },
    error: /'target'.*a newline/,
  },
  {
    name: 'newline + ::add-mask:: in builder',
    inputs: { builder: `b\n::add-mask::${INJECTED}` },
    error: /'builder'/,
  },
  {
    name: 'newline + ::stop-commands:: in context',
    inputs: { context: `.\n::stop-commands::${INJECTED}` },
    error: /'context'/,
  },
  {
    name: 'carriage return in file',
    inputs: { file: `Dockerfile\r::error::${INJECTED}` },
    error: /'file'.*carriage return/,
  },
  { name: 'ESC sequence in repository', inputs: { repository: 'app\u001b[2J' }, error: /'repository'.*ESC/ },
  {
    name: 'line separator in kms-key',
    inputs: { 'kms-key': `alias/k\u2028::warning::${INJECTED}` },
    error: /'kms-key'/,
  },
  { name: 'tab in audience', inputs: { audience: 'sts\tamazonaws.com' }, error: /'audience'.*tab/ },
  {
    name: 'BEL in role-session-name',
    inputs: { 'role-session-name': 'a\u0007b' },
    error: /'role-session-name'/,
  },
  {
    name: 'newline in role-to-assume',
    inputs: { 'role-to-assume': `arn:aws:iam::123456789012:role/x\n::warning::${INJECTED}` },
    error: /'role-to-assume'/,
  },
  {
    name: 'newline in registry',
    inputs: { registry: `123456789012\n::warning::${INJECTED}` },
    error: /'registry'/,
  },
  {
    name: 'newline in aws-region',
    inputs: { 'aws-region': `eu-west-1\n::warning::${INJECTED}` },
    error: /'aws-region'/,
  },
  {
    name: 'newline in buildkit-endpoint',
    inputs: { 'buildkit-endpoint': `tcp://b:1234\n::warning::${INJECTED}` },
    error: /'buildkit-endpoint'/,
  },
  {
    name: 'NUL byte from the event payload reaching argv',
    inputs: { 'dry-run': 'true', 'build-in-dry-run': 'true' },
    env: NO_OIDC,
    event: { repository: { name: 'octo-app', description: 'evil\u0000desc' } },
    error: /NUL byte/,
  },
  // secrets: never any part of a bad line
  {
    name: 'token pasted without id=',
    inputs: { secrets: TOKEN },
    error: /'secrets'.*line 1 has no id|line 1 has an id/,
    canaries: [TOKEN, TOKEN.split('=')[0]!],
  },
  {
    name: 'token pasted after a good line',
    inputs: { secrets: `ok=${CANARY}\n${TOKEN}` },
    error: /'secrets'.*line 2/,
    canaries: [TOKEN],
  },
  {
    name: 'secret with an empty id',
    inputs: { secrets: `=${CANARY}` },
    error: /'secrets'.*line 1 has no id/,
  },
  { name: 'secret id "."', inputs: { secrets: `.=${CANARY}` }, error: /'secrets'.*"\." or "\.\."/ },
  { name: 'secret id ".."', inputs: { secrets: `..=${CANARY}` }, error: /'secrets'.*"\." or "\.\."/ },
  {
    name: 'secret id with a space',
    inputs: { secrets: `bad id=${CANARY}` },
    error: /'secrets'.*line 1 has an id/,
  },
  {
    name: 'secret with an empty value',
    inputs: { secrets: `a=${CANARY}\nnpm=` },
    error: /'secrets'.*line 2 has an empty value/,
  },
  {
    name: 'duplicate secret ids',
    inputs: { secrets: `npm=${CANARY}\nnpm=${CANARY}-2` },
    error: /'secrets'.*entry 2 of `secrets`/,
    canaries: [`${CANARY}-2`],
  },
  {
    name: 'quoted PEM never closed',
    inputs: { secrets: `"key=${PEM}` },
    error: /'secrets'.*line 1.*never closed/,
    canaries: PEM.split('\n'),
  },
  {
    name: 'PEM unquoted: its lines are not entries of their own',
    inputs: { secrets: `key=${PEM}` },
    error: /'secrets'.*line 2/,
    canaries: PEM.split('\n'),
  },
  {
    name: 'good multi-line secret, bad tags: the secret stays hidden',
    inputs: { secrets: `"key=${PEM}"`, tags: 'type=bogus' },
    error: /tags line 1/,
    canaries: PEM.split('\n'),
  },
  {
    name: 'secret id shared with secret-files',
    inputs: { secrets: `npmrc=${CANARY}`, 'secret-files': `npmrc=${fileAt('npmrc', 'x')}` },
    error: /'secret-files'.*npmrc/,
  },
  {
    name: 'secret-envs variable not set',
    inputs: { 'secret-envs': 'tok=HOSTILE_NOT_SET' },
    error: /'secret-envs'.*HOSTILE_NOT_SET is not/,
  },
  {
    name: 'secret-envs without a name',
    inputs: { 'secret-envs': 'tok' },
    error: /'secret-envs'.*has no `=`/,
  },
  {
    name: 'secret-files missing file',
    inputs: { 'secret-files': 'npmrc=/nonexistent/npmrc' },
    error: /'secret-files'.*No file/,
  },
  {
    name: 'secret-files id ".."',
    inputs: { 'secret-files': `..=${fileAt('npmrc2', 'x')}` },
    error: /'secret-files'.*"\." or "\.\."/,
  },
  // values too big to echo
  { name: '100 KB repository', inputs: { repository: HUGE }, error: /'repository'.*\(100000 characters\)/ },
  {
    name: '100 KB lifecycle policy',
    inputs: { 'lifecycle-policy': `{${HUGE}` },
    error: /'lifecycle-policy'/,
  },
  { name: '100 KB build-arg key', inputs: { 'build-args': `${HUGE} x=1` }, error: /'build-args'/ },
  {
    name: '100 KB raw tag value: shortened, pushed, never echoed whole',
    inputs: { tags: `type=raw,value=${HUGE}` },
    code: 0,
  },
  // inputs that are simply wrong
  {
    name: 'role ARN of a user',
    inputs: { 'role-to-assume': 'arn:aws:iam::123456789012:user/bob' },
    error: /'role-to-assume'.*not a role/,
  },
  { name: 'role name without ARN', inputs: { 'role-to-assume': 'gha-ecr-push' }, error: /'role-to-assume'/ },
  {
    name: 'region availability zone',
    inputs: { 'aws-region': 'eu-west-1a' },
    error: /'aws-region'.*availability zone/,
  },
  {
    name: 'AWS_REGION garbage from the environment',
    inputs: { 'aws-region': '' },
    env: { AWS_REGION: 'Europe' },
    error: /'aws-region'.*AWS_REGION/,
  },
  { name: 'registry that is no ECR host', inputs: { registry: 'docker.io' }, error: /'registry'/ },
  {
    name: 'registries: the primary again',
    inputs: { registries: '# mirror\n123456789012/eu-west-1' },
    error: /'registries'.*already where the image goes/,
  },
  {
    name: 'registries: bad line among comments',
    inputs: { registries: '# mirrors\n12345/eu-west-1' },
    error: /'registries'/,
  },
  {
    name: 'registries: role that is no ARN',
    inputs: { registries: '210987654321/eu-west-1=admin' },
    error: /'registries'/,
  },
  { name: 'platform typo', inputs: { platforms: 'linux/amd46' }, error: /'platforms'.*linux\/amd64/ },
  { name: 'cache-from unknown type', inputs: { 'cache-from': 'type=reddis,ref=x' }, error: /'cache-from'/ },
  { name: 'cache mode unknown', inputs: { cache: 'redis' }, error: /'cache'/ },
  { name: 'provenance mode unknown', inputs: { provenance: 'mode=maximum' }, error: /'provenance'/ },
  {
    name: 'buildkit-endpoint over http',
    inputs: { 'buildkit-endpoint': 'http://buildkitd:1234' },
    error: /'buildkit-endpoint'.*gRPC/,
  },
  {
    name: 'builder and buildkit-endpoint',
    inputs: { builder: 'mine', 'buildkit-endpoint': 'tcp://b:1234' },
    error: /'buildkit-endpoint'/,
  },
  {
    name: 'load with two platforms while pushing',
    inputs: { load: 'true', platforms: 'linux/amd64,linux/arm64' },
    error: /load: true with 2 platforms|'load'/,
  },
  {
    name: 'mutability unknown',
    inputs: { 'image-tag-mutability': 'FROZEN' },
    error: /'image-tag-mutability'/,
  },
  {
    name: 'exclusions without an exclusion mode',
    inputs: { 'image-tag-mutability-exclusions': 'dev-*' },
    error: /'image-tag-mutability-exclusions'/,
  },
  { name: 'kms-key with AES256', inputs: { 'kms-key': 'alias/x' }, error: /'kms-key'/ },
  {
    name: 'fail-on-severity without scan',
    inputs: { 'fail-on-severity': 'HIGH' },
    error: /'fail-on-severity'/,
  },
  { name: 'max-attempts 0', inputs: { 'max-attempts': '0' }, error: /'max-attempts'/ },
  {
    name: 'retry budget with a unit',
    inputs: { 'retry-budget-seconds': '10s' },
    error: /'retry-budget-seconds'.*without a unit/,
  },
  {
    name: 'session of one minute',
    inputs: { 'role-duration-seconds': '60' },
    error: /'role-duration-seconds'/,
  },
  {
    name: 'lifecycle policy file missing',
    inputs: { 'lifecycle-policy': '/nonexistent/policy.json' },
    error: /'lifecycle-policy'/,
  },
  {
    name: 'lifecycle policy without rules',
    inputs: { 'lifecycle-policy': '{"rules":[]}' },
    error: /'lifecycle-policy'/,
  },
  { name: 'unknown tag rule type', inputs: { tags: 'type=bogus' }, error: /tags line 1/ },
  {
    name: 'catastrophic match pattern',
    inputs: { tags: 'type=match,pattern=(a+)+$' },
    env: { GITHUB_REF: `refs/tags/${'a'.repeat(40)}!`, GITHUB_REF_NAME: `${'a'.repeat(40)}!` },
    error: /match|pattern/,
  },
  { name: 'bad flavor', inputs: { flavor: 'latest=sometimes' }, error: /flavor/ },
  {
    name: 'every tag rule disabled',
    inputs: { tags: 'type=raw,value=x,enable=false' },
    error: /No tags planned/,
  },
  {
    name: 'reserved fingerprint label',
    inputs: { labels: 'dev.ecr-build-push.fingerprint=mine' },
    error: /'labels'.*reserved/,
  },
  { name: 'build-arg key with a space', inputs: { 'build-args': 'MY ARG=1' }, error: /'build-args'/ },
  { name: 'boolean yes', inputs: { 'pr-head-sha': 'yes' }, error: /'pr-head-sha'.*Write true/ },
  { name: 'dry-run maybe', inputs: { 'dry-run': 'maybe' }, error: /'dry-run'/ },
  { name: 'scan-timeout too long', inputs: { 'scan-timeout': '99999' }, error: /'scan-timeout'/ },
  { name: 'context missing', inputs: { context: '/nonexistent/app' }, error: /'context'/ },
  { name: 'file is a directory', inputs: { file: dirAt('not-a-file') }, error: /'file'/ },
  {
    name: 'repository from GITHUB_REPOSITORY acme/.github',
    inputs: { repository: '' },
    env: { GITHUB_REPOSITORY: 'acme/.github' },
    error: /'repository'.*GITHUB_REPOSITORY/,
  },
  // the environment
  {
    name: 'RUNNER_TEMP is a file',
    env: { RUNNER_TEMP: fileAt('runner-temp-file', '') },
    error: /RUNNER_TEMP/,
  },
  {
    // Root bypasses file modes: only another user meets EACCES, as a runner's account does in a
    // RUNNER_TEMP an earlier root container job left behind.
    name: 'RUNNER_TEMP not writable by the runner user (nobody)',
    user: { uid: 65534, gid: 65534 },
    error: /private directory under RUNNER_TEMP.*EACCES.*an earlier job running as root may own it/,
  },
  {
    name: 'web identity token file missing',
    env: { ...NO_OIDC, AWS_WEB_IDENTITY_TOKEN_FILE: '/nonexistent/token' },
    error: /AWS_WEB_IDENTITY_TOKEN_FILE.*ENOENT/,
  },
  {
    name: 'web identity token file is a directory',
    env: { ...NO_OIDC, AWS_WEB_IDENTITY_TOKEN_FILE: dirAt('token-dir') },
    error: /AWS_WEB_IDENTITY_TOKEN_FILE.*EISDIR/,
  },
  { name: 'no OIDC for role-to-assume', env: NO_OIDC, error: /id-token: write/ },
  {
    name: 'event file holding null (dry run)',
    inputs: { 'dry-run': 'true' },
    env: NO_OIDC,
    event: null,
    code: 0,
  },
  {
    name: 'event file is a directory (dry run)',
    inputs: { 'dry-run': 'true' },
    env: { ...NO_OIDC, GITHUB_EVENT_PATH: dirAt('event-dir') },
    code: 0,
  },
  {
    name: 'a newline in GITHUB_REF never becomes a command (dry run)',
    inputs: { 'dry-run': 'true' },
    env: {
      ...NO_OIDC,
      GITHUB_REF: `refs/heads/x\n::warning::${INJECTED}`,
      GITHUB_REF_NAME: `x\n::warning::${INJECTED}`,
    },
    code: 0,
  },
  // AWS answers a user or an account causes
  {
    name: 'STS: region not enabled',
    faults: sts('RegionDisabledException', 'STS is not activated in this region'),
    error: /not enabled for this account/,
  },
  {
    name: 'STS: verification key on every attempt',
    inputs: { 'max-attempts': '2' },
    faults: sts('InvalidIdentityToken', "Couldn't retrieve verification key from your identity provider"),
    error: /Re-run the job later/,
  },
  {
    name: 'STS: throttled past the retries',
    inputs: { 'max-attempts': '2' },
    faults: sts('Throttling', 'Rate exceeded'),
    error: /after 2 attempts.*throttled/,
  },
  {
    name: 'ECR: InvalidParameterException',
    faults: ecr(
      'CreateRepository',
      'InvalidParameterException',
      'Invalid parameter at encryptionConfiguration',
    ),
    error: /ecr:CreateRepository failed.*refused a parameter/,
  },
  {
    name: 'ECR: throttled past the retries',
    inputs: { 'max-attempts': '2' },
    faults: ecr('GetAuthorizationToken', 'ThrottlingException', 'Rate exceeded'),
    error: /ecr:GetAuthorizationToken failed after 2 attempts/,
  },
  {
    name: 'ECR: 5xx on every attempt',
    inputs: { 'max-attempts': '2' },
    faults: ecr('DescribeRepositories', 'ServerException', 'internal', 500),
    error: /ecr:DescribeRepositories failed after 2 attempts.*server error/,
  },
  // docker refusing
  {
    name: 'target stage that does not exist',
    inputs: { target: 'nosuchstage' },
    error: /docker buildx build failed/,
  },
];

function everything(run: ActionRun): string {
  const shown = allOutput(run)
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  const files = ['output', 'state', 'env', 'summary'].map((f) => readFileSync(join(run.files, f), 'utf8'));
  const left = filesUnder(run.runnerTemp).map((f) => readFileSync(f, 'latin1'));
  return [shown, ...files, ...left].join('\n');
}

describe('hostile inputs', () => {
  let context = '';
  beforeAll(() => {
    context = makeContext({ marker: 'hostile' });
    // Readable by the rows that run as another user (mkdtemp made it root's 0700).
    chmodSync(context, 0o755);
  });

  it(`has at least 60 rows (${ROWS.length})`, () => expect(ROWS.length).toBeGreaterThanOrEqual(60));

  it.each(ROWS)('$name', async (row) => {
    await client.reset();
    if (row.faults) await client.setFaults(row.faults);
    const inputs: Record<string, string> = {
      ...baseInputs(uniqueRepo('hostile'), context),
      'max-attempts': '2',
      'retry-budget-seconds': '5',
      ...row.inputs,
    };
    // Every row carries a good secret besides its own: it must stay hidden whatever fails.
    inputs.secrets = [row.inputs?.secrets, `hostile_canary=${CANARY}`].filter(Boolean).join('\n');
    if (row.inputs?.secrets?.startsWith('"') && !row.inputs.secrets.endsWith('"'))
      inputs.secrets = row.inputs.secrets;
    const run = await runAction({
      inputs,
      env: { ...stackEnv(), ...row.env },
      ...(row.event !== undefined ? { event: row.event } : {}),
      ...(row.user ? { user: row.user } : {}),
    });
    const out = allOutput(run);
    const code = row.code ?? 1;
    expect(run.main.code, out).toBe(code);

    const errors = out.split('\n').filter((line) => line.startsWith('::error'));
    if (code === 0) expect(errors).toEqual([]);
    else {
      expect(errors, out).toHaveLength(1);
      expect(errors[0]!.length).toBeLessThan(2000);
      // The runner's escaping of a command's data, undone.
      const text = errors[0]!.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
      // Message and hint are one text: `.` spans the line between them.
      expect(text).toMatch(new RegExp(row.error!.source, `${row.error!.flags}s`));
      expect(errors[0]).not.toMatch(/Unexpected error/);
    }
    // No stack trace anywhere, and no line the runner would obey as an injected command.
    expect(out).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(out.split('\n').filter((line) => new RegExp(`^::[\\w-]+::${INJECTED}`).test(line))).toEqual([]);
    // No value is echoed whole: every log line stays readable.
    const long = out.split('\n').filter((line) => line.length > 5000 && !line.startsWith('::add-mask::'));
    expect(long.map((line) => line.slice(0, 120))).toEqual([]);
    // No secret outside ::add-mask::, anywhere the action wrote.
    const written = everything(run);
    for (const secret of [CANARY, ...(row.canaries ?? [])])
      expect(written.includes(secret), `${secret.slice(0, 24)} leaked`).toBe(false);
    expect(run.post.code, out).toBe(0);
    expect(filesUnder(run.runnerTemp)).toEqual([]);
  });
});
