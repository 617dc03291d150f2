import { describe, expect, it } from 'vitest';
import { parseEcrHost, resolveTarget } from '../../src/aws/registry-host.js';
import { InputError, TagRuleError, ValidationError, type ActionError } from '../../src/errors.js';
import type { InputSections, Inputs } from '../../src/inputs/types.js';
import { parse, POLICY } from './fixtures.js';

const ROLE = 'arn:aws:iam::123456789012:role/gha-ecr-push';
const HOST = '123456789012.dkr.ecr.eu-central-1.amazonaws.com';

function problemsOf(inputs: Record<string, string>, env: Record<string, string> = {}): ActionError[] {
  try {
    parse(inputs, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
}

/** The input a problem is about: InputErrors name it; tag rule errors start with `tags` or `flavor`. */
function inputOf(problem: ActionError): string | undefined {
  if (problem instanceof InputError) return problem.input;
  if (problem instanceof TagRuleError) return problem.message.split(' ')[0];
  return undefined;
}

type BadRow = [label: string, inputs: Record<string, string>, input: string, fragments: string[]];

// Each row: the inputs given, the input the (single) error must name, and fragments of its message
// and hint: the value received and what is expected.
const BAD: BadRow[] = [
  // list syntax
  [
    'unclosed quote in build-args',
    { 'build-args': 'A=1\n"B=2' },
    'build-args',
    ['(line 2)', 'every double-quoted field closed', 'opened on line 2 is never closed', '""'],
  ],
  // auth
  [
    'ARN with a short account',
    { 'role-to-assume': 'arn:aws:iam::12345:role/x' },
    'role-to-assume',
    ['"arn:aws:iam::12345:role/x"', 'IAM role ARN', 'must be 12 digits'],
  ],
  [
    'role name without account',
    { 'role-to-assume': 'gha-ecr-push' },
    'role-to-assume',
    ['"gha-ecr-push"', 'arn:aws:iam::ACCOUNT_ID:role/gha-ecr-push'],
  ],
  [
    'user ARN',
    { 'role-to-assume': 'arn:aws:iam::123456789012:user/bob' },
    'role-to-assume',
    ['user/bob', 'is not a role'],
  ],
  [
    'session ARN',
    { 'role-to-assume': 'arn:aws:sts::123456789012:assumed-role/deploy/s1' },
    'role-to-assume',
    ['assumed-role/deploy/s1', 'arn:aws:iam::123456789012:role/deploy'],
  ],
  [
    'wrong partition',
    { 'role-to-assume': 'arn:azure:iam::123456789012:role/x' },
    'role-to-assume',
    ['"arn:azure:iam::123456789012:role/x"', 'IAM role ARN'],
  ],
  [
    'region without number',
    { 'aws-region': 'eu-west' },
    'aws-region',
    ['"eu-west"', 'an AWS region like eu-west-1', 'did you mean "eu-west-1"'],
  ],
  [
    'uppercase region',
    { 'aws-region': 'EU-WEST-1' },
    'aws-region',
    ['"EU-WEST-1"', 'Did you mean "eu-west-1"'],
  ],
  [
    'availability zone',
    { 'aws-region': 'us-east-1a' },
    'aws-region',
    ['"us-east-1a"', 'the region is "us-east-1"'],
  ],
  [
    'audience with a space',
    { audience: 'sts amazonaws.com' },
    'audience',
    ['"sts amazonaws.com"', 'without spaces'],
  ],
  [
    'duration too short',
    { 'role-duration-seconds': '600' },
    'role-duration-seconds',
    ['"600"', 'an integer from 900 to 43200'],
  ],
  [
    'duration too long',
    { 'role-duration-seconds': '86400' },
    'role-duration-seconds',
    ['"86400"', 'from 900 to 43200'],
  ],
  [
    'duration with unit',
    { 'role-duration-seconds': '1h' },
    'role-duration-seconds',
    ['"1h"', 'without a unit'],
  ],
  [
    'session name too long',
    { 'role-session-name': 'x'.repeat(65) },
    'role-session-name',
    [`"${'x'.repeat(65)}"`, '2-64 characters'],
  ],
  ['session name too short', { 'role-session-name': 'x' }, 'role-session-name', ['"x"', '2-64 characters']],
  [
    'session name characters',
    { 'role-session-name': 'deploy my/app' },
    'role-session-name',
    ['"deploy my/app"', 'For example "deploy-my-app"'],
  ],
  [
    'boolean yes',
    { 'export-credentials': 'yes' },
    'export-credentials',
    ['"yes"', 'true or false', 'Write true'],
  ],
  // target
  [
    'account with 11 digits',
    { registry: '12345678901' },
    'registry',
    ['"12345678901"', '12-digit account id', 'this has 11', 'quote it'],
  ],
  ['not an ECR host', { registry: 'ghcr.io' }, 'registry', ['"ghcr.io"', 'an ECR host']],
  [
    'host with scheme',
    { registry: `https://${HOST}` },
    'registry',
    [`"https://${HOST}"`, `without the scheme: "${HOST}"`],
  ],
  [
    'host with repository',
    { registry: `${HOST}/app` },
    'registry',
    [`"${HOST}/app"`, 'put the repository name in `repository`'],
  ],
  [
    'host with bad region',
    { registry: '123456789012.dkr.ecr.europe.amazonaws.com' },
    'registry',
    ['europe.amazonaws.com"', '"europe" is not a region'],
  ],
  [
    'public registry with repository',
    { registry: 'public.ecr.aws/alias/app' },
    'registry',
    ['"public.ecr.aws/alias/app"', '`repository`'],
  ],
  [
    'repository with uppercase',
    { repository: 'My-App' },
    'repository',
    ['"My-App"', 'lowercase letters', 'lowercase: "my-app"'],
  ],
  [
    'repository with a trailing separator',
    { repository: 'app_' },
    'repository',
    ['"app_"', 'starting and ending with a letter or digit'],
  ],
  ['repository too short', { repository: 'a' }, 'repository', ['"a"', '2-256']],
  ['repository with a tag', { repository: 'app:latest' }, 'repository', ['"app:latest"', 'use `tags`']],
  [
    'repository with host',
    { repository: `${HOST}/app` },
    'repository',
    [`"${HOST}/app"`, 'registry host in `registry`'],
  ],
  [
    'registries account without region',
    { registries: '123456789012' },
    'registries',
    ['"123456789012"', 'ACCOUNT/REGION', 'Add the region'],
  ],
  [
    'registries bad role',
    { registries: '123456789012/eu-west-1=deploy' },
    'registries',
    ['"deploy"', 'arn:aws:iam::ACCOUNT_ID:role/deploy'],
  ],
  ['registries bad region', { registries: '123456789012/eu-west' }, 'registries', ['"eu-west"', 'eu-west-1']],
  [
    'base-registries: docker hub is no ECR registry (its login goes in docker/login-action)',
    { 'base-registries': 'docker.io' },
    'base-registries',
    ['docker.io'],
  ],
  [
    'registries role left empty',
    { registries: 'public.ecr.aws/my-alias=' },
    'registries',
    ['got ""', 'IAM role ARN'],
  ],
  [
    'registries docker hub',
    { registries: 'docker.io/library' },
    'registries',
    ['"docker.io/library"', 'public.ecr.aws/ALIAS', 'line 1'],
  ],
  // build
  [
    'platform typo',
    { platforms: 'linux/amd46' },
    'platforms',
    ['"linux/amd46"', 'os/arch[/variant]', 'Did you mean "linux/amd64"'],
  ],
  [
    'uname arch',
    { platforms: 'linux/x86_64' },
    'platforms',
    ['"linux/x86_64"', 'Did you mean "linux/amd64"'],
  ],
  [
    'aarch64',
    { platforms: 'linux/amd64,linux/aarch64' },
    'platforms',
    ['"linux/aarch64"', 'Did you mean "linux/arm64"'],
  ],
  ['platform without os', { platforms: 'arm64' }, 'platforms', ['"arm64"', 'Did you mean "linux/arm64"']],
  [
    'build-arg without =',
    { 'build-args': 'A=1\nVERSION' },
    'build-args',
    ['"VERSION"', 'KEY=VALUE', 'line 2', 'one line per entry'],
  ],
  ['label with empty key', { labels: 'a=b\n\n=c' }, 'labels', ['"=c"', 'non-empty key', 'line 3']],
  ['annotation key with space', { annotations: 'my key=v' }, 'annotations', ['"my key=v"', 'without spaces']],
  ['repository tag without =', { 'repository-tags': 'team' }, 'repository-tags', ['"team"', 'KEY=VALUE']],
  ['secret with empty id', { secrets: '=hunter2' }, 'secrets', ['value is not shown', 'line 1 has no id']],
  ['secret without =', { secrets: 'hunter2' }, 'secrets', ['value is not shown', 'line 1 has no `=`']],
  [
    'the reserved fingerprint label',
    { labels: 'dev.ecr-build-push.fingerprint=mine' },
    'labels',
    ['"dev.ecr-build-push.fingerprint"', 'reserved', 'remove that line'],
  ],
  ['secret with an empty value', { secrets: 'a=1\nnpm=' }, 'secrets', ['line 2 has an empty value']],
  ['secret id "."', { secrets: '.=x' }, 'secrets', ['"." or ".."', 'cannot name a file']],
  ['secret id ".."', { secrets: '..=x' }, 'secrets', ['"." or ".."']],
  [
    'secret quoted field never closed',
    { secrets: 'a=1\n"key=-----BEGIN\nabc' },
    'secrets',
    ['line 2', 'never closed'],
  ],
  [
    'duplicate secret id',
    { secrets: 'npm=a\nnpm=b' },
    'secrets',
    ['entry 2 of `secrets`', 'entry 1 of `secrets`'],
  ],
  [
    'secret id used twice across inputs',
    { secrets: 'npmrc=a', 'secret-files': 'npmrc=secrets/npmrc' },
    'secret-files',
    ['(id "npmrc")', 'entry 1 of `secrets`'],
  ],
  [
    'secret-envs without a variable name',
    { 'secret-envs': 'tok=' },
    'secret-envs',
    ['names no environment variable'],
  ],
  [
    'secret-envs variable not set',
    { 'secret-envs': 'tok=NOT_SET_ANYWHERE' },
    'secret-envs',
    ['NOT_SET_ANYWHERE is not'],
  ],
  [
    'secret file missing',
    { 'secret-files': 'npmrc=secrets/missing' },
    'secret-files',
    ['"npmrc=secrets/missing"', 'existing file', 'No file at secrets/missing'],
  ],
  [
    'secret file is a directory',
    { 'secret-files': 'npmrc=secrets' },
    'secret-files',
    ['"npmrc=secrets"', 'existing file'],
  ],
  [
    'missing context',
    { context: 'missing-dir' },
    'context',
    ['"missing-dir"', 'an existing directory', 'relative to the working directory'],
  ],
  ['context is a file', { context: 'Dockerfile' }, 'context', ['"Dockerfile"', 'That is a file']],
  ['missing file', { file: 'nope.Dockerfile' }, 'file', ['"nope.Dockerfile"', 'an existing Dockerfile']],
  [
    'file relative to context',
    { context: 'docker', file: 'prod.Dockerfile' },
    'file',
    ['"prod.Dockerfile"', 'use "docker/prod.Dockerfile"'],
  ],
  ['no Dockerfile in context', { context: 'empty' }, 'file', ['got ""', 'empty/Dockerfile does not exist']],
  ['unknown cache mode', { cache: 's3' }, 'cache', ['"s3"', 'one of none, inline, registry, gha, local']],
  ['cache mode typo', { cache: 'registy' }, 'cache', ['"registy"', 'Did you mean "registry"']],
  [
    'cache-from type typo',
    { 'cache-from': 'type=registy,ref=x' },
    'cache-from',
    ['"type=registy,ref=x"', 'type=registry|local', 'Did you mean "registry"'],
  ],
  [
    'cache-to without type',
    { 'cache-to': 'mode=max,ref=x' },
    'cache-to',
    ['"mode=max,ref=x"', 'Start the entry with type='],
  ],
  [
    'push-by-digest with 2 platforms',
    { 'push-by-digest': 'true', platforms: 'linux/amd64,linux/arm64' },
    'push-by-digest',
    ['one platform, not 2', 'merge-digests'],
  ],
  [
    'push-by-digest without push',
    { 'push-by-digest': 'true', push: 'false' },
    'push-by-digest',
    ['push: true'],
  ],
  [
    'merge-digests and push-by-digest',
    { 'merge-digests': `sha256:${'a'.repeat(64)}`, 'push-by-digest': 'true' },
    'merge-digests',
    ['no push-by-digest at the same time', 'own step'],
  ],
  [
    'merge digest without sha256:',
    { 'merge-digests': 'b'.repeat(64) },
    'merge-digests',
    [`Did you mean "sha256:${'b'.repeat(64)}"`],
  ],
  [
    'merge digest short',
    { 'merge-digests': 'sha256:abc' },
    'merge-digests',
    ['sha256:<64 hex> or PLATFORM=sha256:<64 hex> (line 1)'],
  ],
  [
    'merge digest with a uname platform',
    { 'merge-digests': `aarch64=sha256:${'c'.repeat(64)}` },
    'merge-digests',
    ['Did you mean "linux/arm64"'],
  ],
  ['driver-opts without =', { 'driver-opts': 'network' }, 'driver-opts', ['key=value such as image=']],
  ['cache-scope with a slash', { 'cache-scope': 'team/app' }, 'cache-scope', ['letters, digits, . _ -']],
  ['push yes', { push: 'yes' }, 'push', ['"yes"', 'true or false']],
  ['load 1', { load: '1' }, 'load', ['"1"', 'true or false', 'Write true']],
  ['dry-run no', { 'dry-run': 'no' }, 'dry-run', ['"no"', 'Write false']],
  ['no-cache word', { 'no-cache': 'always' }, 'no-cache', ['"always"', 'true or false']],
  ['provenance yes', { provenance: 'yes' }, 'provenance', ['"yes"', 'false, true, mode=min or mode=max']],
  ['provenance mode typo', { provenance: 'mode=maxx' }, 'provenance', ['"mode=maxx"', 'Did you mean "max"']],
  [
    'buildkit endpoint without scheme',
    { 'buildkit-endpoint': 'buildkitd:1234' },
    'buildkit-endpoint',
    ['"buildkitd:1234"', 'tcp://HOST:PORT', 'Did you mean "tcp://buildkitd:1234"'],
  ],
  [
    'buildkit endpoint http',
    { 'buildkit-endpoint': 'http://buildkitd:1234' },
    'buildkit-endpoint',
    ['"http://buildkitd:1234"', 'use tcp://buildkitd:1234'],
  ],
  [
    'buildkit tcp without port',
    { 'buildkit-endpoint': 'tcp://buildkitd' },
    'buildkit-endpoint',
    ['"tcp://buildkitd"', 'a host and a port'],
  ],
  [
    'builder and endpoint',
    { builder: 'fleet', 'buildkit-endpoint': 'tcp://buildkitd:1234' },
    'buildkit-endpoint',
    ['"tcp://buildkitd:1234"', 'no `builder` at the same time'],
  ],
  // repository settings
  [
    'mutability typo',
    { 'image-tag-mutability': 'IMUTABLE' },
    'image-tag-mutability',
    ['"IMUTABLE"', 'one of MUTABLE, IMMUTABLE', 'Did you mean "IMMUTABLE"'],
  ],
  [
    'exclusion mode without filters',
    { 'image-tag-mutability': 'IMMUTABLE_WITH_EXCLUSION' },
    'image-tag-mutability-exclusions',
    ['got ""', 'at least one tag filter'],
  ],
  [
    'filters without exclusion mode',
    { 'image-tag-mutability-exclusions': 'latest' },
    'image-tag-mutability-exclusions',
    ['"latest"', 'MUTABLE_WITH_EXCLUSION'],
  ],
  [
    'bad tag filter',
    { 'image-tag-mutability': 'MUTABLE_WITH_EXCLUSION', 'image-tag-mutability-exclusions': 'dev/*' },
    'image-tag-mutability-exclusions',
    ['"dev/*"', 'tag filter'],
  ],
  ['encryption typo', { encryption: 'AES' }, 'encryption', ['"AES"', 'one of AES256, KMS']],
  [
    'kms key with AES256',
    { 'kms-key': 'alias/ecr' },
    'kms-key',
    ['"alias/ecr"', 'no key with encryption AES256', 'encryption: KMS'],
  ],
  [
    'lifecycle policy not JSON',
    { 'lifecycle-policy': '{rules: []}' },
    'lifecycle-policy',
    ['"{rules: []}"', 'inline JSON', 'JSON'],
  ],
  [
    'lifecycle policy without rules',
    { 'lifecycle-policy': '{"rules": []}' },
    'lifecycle-policy',
    ['"{\\"rules\\": []}"', 'non-empty "rules" array'],
  ],
  [
    'lifecycle rule incomplete',
    { 'lifecycle-policy': '{"rules":[{"rulePriority":1}]}' },
    'lifecycle-policy',
    ['rulePriority', 'rules[0] with rulePriority'],
  ],
  [
    'lifecycle policy file missing',
    { 'lifecycle-policy': 'missing.json' },
    'lifecycle-policy',
    ['"missing.json"', 'No file at missing.json'],
  ],
  [
    'lifecycle policy file not JSON',
    { 'lifecycle-policy': 'not-json.json' },
    'lifecycle-policy',
    ['"not-json.json"', 'inline JSON or the path of a JSON file'],
  ],
  // publishing, scan, retries
  [
    'immutable conflict mode',
    { 'on-immutable-conflict': 'ignore' },
    'on-immutable-conflict',
    ['"ignore"', 'one of fail, skip'],
  ],
  ['reuse key', { 'reuse-key': 'sha' }, 'reuse-key', ['"sha"', 'one of commit, tree']],
  ['scan yes', { scan: 'yes' }, 'scan', ['"yes"', 'one of none, wait']],
  [
    'severity typo',
    { scan: 'wait', 'fail-on-severity': 'CRITCAL' },
    'fail-on-severity',
    ['"CRITCAL"', 'one of CRITICAL, HIGH, MEDIUM, LOW', 'Did you mean "CRITICAL"'],
  ],
  [
    'severity without scan',
    { 'fail-on-severity': 'HIGH' },
    'fail-on-severity',
    ['"HIGH"', 'no threshold while scan is none', 'scan: wait'],
  ],
  ['scan timeout zero', { 'scan-timeout': '0' }, 'scan-timeout', ['"0"', 'an integer from 1 to 3600']],
  ['scan timeout too long', { 'scan-timeout': '7200' }, 'scan-timeout', ['"7200"', 'from 1 to 3600']],
  ['max attempts zero', { 'max-attempts': '0' }, 'max-attempts', ['"0"', 'an integer from 1 to 10']],
  ['max attempts eleven', { 'max-attempts': '11' }, 'max-attempts', ['"11"', 'from 1 to 10']],
  [
    'retry budget negative',
    { 'retry-budget-seconds': '-5' },
    'retry-budget-seconds',
    ['"-5"', 'an integer >= 1'],
  ],
  [
    'retry budget fraction',
    { 'retry-budget-seconds': '1.5' },
    'retry-budget-seconds',
    ['"1.5"', 'an integer >= 1'],
  ],
  // tag rules (parsed by src/tags/rules.ts)
  [
    'unknown tag rule type',
    { tags: 'type=sha\ntype=semverr,pattern={{version}}' },
    'tags',
    ['tags line 2', 'type=semverr', 'Did you mean "semver"'],
  ],
  [
    'tag rule attribute',
    { tags: 'type=sha,format=medium' },
    'tags',
    ['tags line 1', 'format=medium is not valid', 'format=short'],
  ],
  [
    'flavor latest',
    { flavor: 'latest=maybe' },
    'flavor',
    ['flavor line 1', 'latest=maybe is not valid', 'latest=auto'],
  ],
  // region resolution
  [
    'region contradicts host',
    { 'aws-region': 'us-east-1', registry: HOST },
    'aws-region',
    ['"us-east-1"', '(eu-central-1)', 'Leave `aws-region` unset'],
  ],
];

describe('bad inputs', () => {
  it(`has at least 40 rows (${BAD.length})`, () => {
    expect(BAD.length).toBeGreaterThanOrEqual(40);
  });

  it.each(BAD)('%s', (_, inputs, input, fragments) => {
    const problems = problemsOf(inputs);
    expect(problems.map(inputOf)).toEqual([input]);
    const text = problems[0]!.describe();
    if (problems[0] instanceof InputError) expect(text).toContain(`Input '${input}' is invalid`);
    for (const fragment of fragments) expect(text).toContain(fragment);
  });

  it('a bad region from the environment names aws-region and the variable', () => {
    const [problem] = problemsOf({}, { AWS_REGION: 'eu-west' });
    expect(inputOf(problem!)).toBe('aws-region');
    expect(problem!.describe()).toContain('"eu-west"');
    expect(problem!.describe()).toContain(
      'It came from the AWS_REGION environment variable. Regions end with a number',
    );
  });

  it('never shows any part of a secret line, not even the text before `=`', () => {
    const problems = problemsOf({
      secrets: 'ok=fine\n=hunter2\nhunter3\nbad id=hunter4\nghp_ab/CD+ef=\nhunter5==',
    });
    expect(problems).toHaveLength(4);
    const text = problems.map((p) => p.describe()).join('\n');
    expect(text).not.toMatch(/hunter|ghp_|CD\+ef/);
    for (const line of [2, 3, 4, 5]) expect(text).toContain(`line ${line}`);
  });

  it('registries take # comment lines, like tags', () => {
    const inputs = parse({
      registries: '# mirrors\n210987654321/eu-west-1\n  # public one\npublic.ecr.aws/acme',
    });
    expect(inputs.target.registries.map((r) => r.spec)).toEqual([
      '210987654321/eu-west-1',
      'public.ecr.aws/acme',
    ]);
  });

  it('takes build-push-action secrets: quoted entries, multi-line values in quotes, "" for a quote', () => {
    const pem = '-----BEGIN KEY-----\nMIIEabc\n-----END KEY-----';
    const inputs = parse(
      {
        secrets: `plain=abc\n"quoted=x,y"\n"key=${pem}"\n"json={""a"":1}"`,
        'secret-envs': 'gh=GH_TOKEN',
      },
      { GH_TOKEN: 't' },
    );
    expect(inputs.build.secrets).toEqual([
      { key: 'plain', value: 'abc' },
      { key: 'quoted', value: 'x,y' },
      { key: 'key', value: pem },
      { key: 'json', value: '{"a":1}' },
    ]);
    expect(inputs.build.secretEnvs).toEqual([{ key: 'gh', value: 'GH_TOKEN' }]);
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      parse({
        push: 'yes',
        'aws-region': 'eu-west',
        platforms: 'linux/amd46,linux/x86_64',
        'max-attempts': '0',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const { problems, message } = error as ValidationError;
    expect(problems.map(inputOf)).toEqual(['aws-region', 'platforms', 'platforms', 'push', 'max-attempts']);
    expect(message).toMatch(/^5 inputs are invalid:\n- Input 'aws-region'/);
  });
});

/** What `parse({})` yields: every default from action.yml. */
const DEFAULTS: InputSections = {
  network: {},
  auth: {
    audience: 'sts.amazonaws.com',
    roleDurationSeconds: 3600,
    exportCredentials: false,
    roleChaining: false,
    allowedAccountIds: [],
    maskAccountId: false,
    managedSessionPolicies: [],
  },
  target: { registries: [], baseRegistries: [] },
  build: {
    context: '.',
    buildArgs: [],
    secrets: [],
    secretFiles: [],
    secretEnvs: [],
    labels: [],
    annotations: [],
    platforms: [],
    push: true,
    load: false,
    noCache: false,
    pull: false,
    provenance: false,
    sbom: false,
    cache: 'none',
    cacheFrom: [],
    cacheTo: [],
    buildkitImage: 'moby/buildkit:buildx-stable-1',
    driverOpts: [],
    pushByDigest: false,
    buildContexts: [],
    ssh: [],
    addHosts: [],
    ulimits: [],
    allow: [],
    attests: [],
    noCacheFilters: [],
  },
  tags: {
    rules: [],
    flavor: { latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false },
    prHeadSha: false,
  },
  repository: {
    create: false,
    tagMutability: 'MUTABLE',
    mutabilityExclusions: [],
    scanOnPush: true,
    encryption: 'AES256',
    repositoryTags: [],
    updateSettings: false,
  },
  publish: { onImmutableConflict: 'fail', reuseExisting: true, reuseKey: 'commit', mergeDigests: [] },
  scan: { mode: 'none', timeoutSeconds: 300 },
  retry: { maxAttempts: 4, budgetSeconds: 60 },
  run: { dryRun: false, buildInDryRun: false },
};

/** The parsed values without the record of which inputs were given. */
function sections(inputs: Inputs): InputSections {
  const { given: _given, ...rest } = inputs;
  return rest;
}

describe('good inputs', () => {
  it('applies every default when nothing is set', () => {
    expect(sections(parse({}))).toEqual(DEFAULTS);
    expect(Object.values(parse({}).given).flatMap(Object.values)).not.toContain(true);
  });

  it('records which inputs were given, whatever their value', () => {
    const { given } = parse({ 'image-tag-mutability': 'MUTABLE', 'scan-on-push': 'true' });
    expect(given.repository).toMatchObject({
      tagMutability: true,
      scanOnPush: true,
      mutabilityExclusions: false,
    });
    expect(given.build.push).toBe(false);
  });

  it('parses the quick-start inputs', () => {
    const inputs = parse({ 'role-to-assume': ROLE, 'aws-region': 'eu-west-1', repository: 'my-app' });
    expect(inputs.auth).toEqual({ ...DEFAULTS.auth, roleToAssume: ROLE, region: 'eu-west-1' });
    expect(inputs.target.repository).toBe('my-app');
  });

  it('trims values and treats whitespace as unset', () => {
    const inputs = parse({ audience: '  ', 'role-duration-seconds': ' 7200 ', repository: ' my-app\n' });
    expect(inputs.auth.audience).toBe('sts.amazonaws.com');
    expect(inputs.auth.roleDurationSeconds).toBe(7200);
    expect(inputs.target.repository).toBe('my-app');
  });

  it.each([
    ['arn:aws:iam::123456789012:role/gha-ecr-push'],
    ['arn:aws-cn:iam::123456789012:role/ci/deploy'],
    ['arn:aws-us-gov:iam::123456789012:role/a/b/c+=,.@-_'],
  ])('accepts role ARN %s', (arn) => {
    expect(parse({ 'role-to-assume': arn }).auth.roleToAssume).toBe(arn);
  });

  describe('region', () => {
    it.each<[string, Record<string, string>, Record<string, string>, string | undefined]>([
      ['from the input', { 'aws-region': 'ap-southeast-2' }, { AWS_REGION: 'us-east-1' }, 'ap-southeast-2'],
      ['from AWS_REGION', {}, { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-2' }, 'us-east-2'],
      ['from AWS_DEFAULT_REGION', {}, { AWS_DEFAULT_REGION: 'us-west-2' }, 'us-west-2'],
      ['from the registry host', { registry: HOST }, {}, 'eu-central-1'],
      ['host over the environment', { registry: HOST }, { AWS_REGION: 'us-east-1' }, 'eu-central-1'],
      ['input equal to the host', { registry: HOST, 'aws-region': 'eu-central-1' }, {}, 'eu-central-1'],
      [
        'account id leaves it to the environment',
        { registry: '123456789012' },
        { AWS_REGION: 'eu-north-1' },
        'eu-north-1',
      ],
      ['public registry is no region source', { registry: 'public.ecr.aws/my-alias' }, {}, undefined],
      ['nothing: the caller decides', {}, {}, undefined],
      ['GovCloud', { 'aws-region': 'us-gov-west-1' }, {}, 'us-gov-west-1'],
    ])('%s', (_, inputs, env, region) => {
      expect(parse(inputs, env).auth.region).toBe(region);
    });
  });

  it.each([
    ['123456789012', '123456789012'],
    [HOST, HOST],
    ['123456789012.DKR.ECR.eu-central-1.amazonaws.com', HOST],
    [
      '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
      '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
    ],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn'],
    ['123456789012.dkr-ecr.eu-west-1.on.aws', '123456789012.dkr-ecr.eu-west-1.on.aws'],
    ['123456789012.dkr-ecr-fips.us-east-1.on.aws', '123456789012.dkr-ecr-fips.us-east-1.on.aws'],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov'],
    ['public.ecr.aws/my-alias', 'public.ecr.aws/my-alias'],
  ])('accepts registry %s', (registry, expected) => {
    expect(parse({ registry }).target.registry).toBe(expected);
  });

  // The input parser and resolveTarget share parseEcrHost: a host accepted here resolves to the
  // same account and region, and a host shape parseEcrHost rejects is rejected here too.
  it.each([
    ['123456789012.dkr.ecr.eu-central-1.amazonaws.com', true],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', true],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', true],
    ['123456789012.dkr-ecr.eu-west-1.on.aws', true],
    ['123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', true],
    ['123456789012.dkr.ecr.eu-west-1.on.aws', false],
    ['123456789012.dkr-ecr.eu-west-1.amazonaws.com', false],
    ['123456789012.dkr.ecr.eu-west.amazonaws.com', false],
  ])('registry %s agrees with parseEcrHost (accepted: %s)', (registry, accepted) => {
    expect(parseEcrHost(registry) !== undefined).toBe(accepted);
    if (accepted) {
      const parsed = parseEcrHost(registry)!;
      const target = resolveTarget(parse({ registry }).target.registry, 'app', 'us-east-1', '999999999999');
      expect({ account: target.account, region: target.region }).toEqual(parsed);
    } else {
      expect(problemsOf({ registry }).map(inputOf)).toEqual(['registry']);
    }
  });

  it('parses registries in every form', () => {
    const registries = parse({
      registries: [
        '210987654321/us-east-1',
        '',
        '210987654321/cn-north-1=arn:aws-cn:iam::210987654321:role/push',
        '123456789012.dkr-ecr.eu-west-1.on.aws = arn:aws:iam::123456789012:role/push',
        'public.ecr.aws/my-alias',
      ].join('\n'),
    }).target.registries;
    expect(registries).toEqual([
      {
        spec: '210987654321/us-east-1',
        account: '210987654321',
        region: 'us-east-1',
        host: '210987654321.dkr.ecr.us-east-1.amazonaws.com',
      },
      {
        spec: '210987654321/cn-north-1',
        account: '210987654321',
        region: 'cn-north-1',
        host: '210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn',
        roleToAssume: 'arn:aws-cn:iam::210987654321:role/push',
      },
      {
        spec: '123456789012.dkr-ecr.eu-west-1.on.aws',
        account: '123456789012',
        region: 'eu-west-1',
        host: '123456789012.dkr-ecr.eu-west-1.on.aws',
        roleToAssume: 'arn:aws:iam::123456789012:role/push',
      },
      { spec: 'public.ecr.aws/my-alias', region: 'us-east-1', host: 'public.ecr.aws/my-alias' },
    ]);
  });

  it('parses base-registries like registries, comma or newline separated', () => {
    const { baseRegistries, registries } = parse({
      'base-registries':
        '111111111111/us-east-1, 222222222222.dkr.ecr.eu-west-1.amazonaws.com\n# shared\n333333333333/eu-west-1=arn:aws:iam::333333333333:role/pull',
    }).target;
    expect(registries).toEqual([]);
    expect(baseRegistries).toEqual([
      {
        spec: '111111111111/us-east-1',
        account: '111111111111',
        region: 'us-east-1',
        host: '111111111111.dkr.ecr.us-east-1.amazonaws.com',
      },
      {
        spec: '222222222222.dkr.ecr.eu-west-1.amazonaws.com',
        account: '222222222222',
        region: 'eu-west-1',
        host: '222222222222.dkr.ecr.eu-west-1.amazonaws.com',
      },
      {
        spec: '333333333333/eu-west-1',
        account: '333333333333',
        region: 'eu-west-1',
        host: '333333333333.dkr.ecr.eu-west-1.amazonaws.com',
        roleToAssume: 'arn:aws:iam::333333333333:role/pull',
      },
    ]);
  });

  it.each(['ab', 'my-app', 'team/service.api', 'a_b/c-d/e.f', 'x'.repeat(256)])(
    'accepts repository %s',
    (name) => {
      expect(parse({ repository: name }).target.repository).toBe(name);
    },
  );

  it('splits multi-line lists, skips blank lines, keeps = in values', () => {
    const { build, repository } = parse({
      'build-args': 'A=1\r\n\r\nURL=https://x.example/?a=b&c=d\n  EMPTY=  \n',
      labels: 'org.opencontainers.image.title=app\n',
      annotations: 'index:org.opencontainers.image.description=a=b',
      'repository-tags': 'team=platform\ncost-center=42',
      secrets: 'npm_token=abc=\ngithub-token=ghp_x',
      'secret-files': 'npmrc=secrets/npmrc',
      'cache-from':
        'type=registry,ref=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:cache\nuser/app:cache',
      'cache-to': 'type=gha,mode=max',
    });
    expect(build.buildArgs).toEqual([
      { key: 'A', value: '1' },
      { key: 'URL', value: 'https://x.example/?a=b&c=d' },
      { key: 'EMPTY', value: '' },
    ]);
    expect(build.labels).toEqual([{ key: 'org.opencontainers.image.title', value: 'app' }]);
    expect(build.annotations).toEqual([{ key: 'index:org.opencontainers.image.description', value: 'a=b' }]);
    expect(repository.repositoryTags).toEqual([
      { key: 'team', value: 'platform' },
      { key: 'cost-center', value: '42' },
    ]);
    expect(build.secrets).toEqual([
      { key: 'npm_token', value: 'abc=' },
      { key: 'github-token', value: 'ghp_x' },
    ]);
    expect(build.secretFiles).toEqual([{ key: 'npmrc', value: 'secrets/npmrc' }]);
    expect(build.cacheFrom).toEqual([
      'type=registry,ref=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:cache',
      'user/app:cache',
    ]);
    expect(build.cacheTo).toEqual(['type=gha,mode=max']);
  });

  // build-push-action's list syntax (ignoreComma for all but platforms): quotes removed, commas in
  // quotes kept, multi-line quoted values.
  it.each([
    [
      'build-args',
      '"A=1,2"\nB="3"\n"C=x\ny"',
      'buildArgs',
      [
        { key: 'A', value: '1,2' },
        { key: 'B', value: '"3"' },
        { key: 'C', value: 'x\ny' },
      ],
    ],
    ['build-args', 'A=1,B=2', 'buildArgs', [{ key: 'A', value: '1,B=2' }]],
    [
      'labels',
      '"org.opencontainers.image.title=a, b"\nteam=x',
      'labels',
      [
        { key: 'org.opencontainers.image.title', value: 'a, b' },
        { key: 'team', value: 'x' },
      ],
    ],
    [
      'annotations',
      '"manifest:note=say ""hi"""',
      'annotations',
      [{ key: 'manifest:note', value: 'say "hi"' }],
    ],
    [
      'cache-from',
      '"type=registry,ref=host/app:cache"\ntype=gha',
      'cacheFrom',
      ['type=registry,ref=host/app:cache', 'type=gha'],
    ],
    [
      'cache-to',
      'type=registry,"ref=host/app:cache",mode=max',
      'cacheTo',
      ['type=registry,ref=host/app:cache,mode=max'],
    ],
    ['platforms', '"linux/amd64,linux/arm64"', 'platforms', ['linux/amd64', 'linux/arm64']],
  ] as const)('list syntax: %s %j', (input, raw, key, expected) => {
    expect(parse({ [input]: raw }).build[key]).toEqual(expected);
  });

  it('splits platforms on commas and newlines and drops duplicates', () => {
    const { platforms } = parse({ platforms: 'linux/amd64, linux/arm64\nlinux/arm/v7,\nlinux/amd64' }).build;
    expect(platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
  });

  it('reads booleans case-insensitively and enums in their canonical spelling', () => {
    const inputs = parse({
      push: 'FALSE',
      load: 'True',
      sbom: 'true',
      cache: 'Registry',
      encryption: 'kms',
      'kms-key': 'alias/ecr',
      scan: 'WAIT',
      'fail-on-severity': 'high',
      'image-tag-mutability': 'immutable',
      'on-immutable-conflict': 'SKIP',
    });
    expect(inputs.build).toMatchObject({ push: false, load: true, sbom: 'true', cache: 'registry' });
    expect(inputs.repository).toMatchObject({
      encryption: 'KMS',
      kmsKey: 'alias/ecr',
      tagMutability: 'IMMUTABLE',
    });
    expect(inputs.scan).toEqual({ mode: 'wait', failOnSeverity: 'HIGH', timeoutSeconds: 300 });
    expect(inputs.publish.onImmutableConflict).toBe('skip');
  });

  it('allows load with several platforms when not pushing, and push + load with one', () => {
    expect(parse({ push: 'false', load: 'true', platforms: 'linux/amd64,linux/arm64' }).build.load).toBe(
      true,
    );
    expect(parse({ load: 'true', platforms: 'linux/arm64' }).build).toMatchObject({ push: true, load: true });
  });

  it.each<[string, false | string]>([
    ['false', false],
    ['False', false],
    ['true', 'true'],
    ['mode=min', 'mode=min'],
    ['mode=max,builder-id=https://github.com/x', 'mode=max,builder-id=https://github.com/x'],
  ])('provenance %s', (value, expected) => {
    expect(parse({ provenance: value }).build.provenance).toBe(expected);
  });

  it('reads the lifecycle policy inline or from a file', () => {
    expect(parse({ 'lifecycle-policy': POLICY }).repository.lifecyclePolicy).toBe(POLICY);
    expect(parse({ 'lifecycle-policy': 'policy.json' }).repository.lifecyclePolicy).toBe(POLICY);
  });

  it('takes exclusions with a *_WITH_EXCLUSION mode', () => {
    const { repository } = parse({
      'image-tag-mutability': 'IMMUTABLE_WITH_EXCLUSION',
      'image-tag-mutability-exclusions': 'latest\ndev-*',
    });
    expect(repository.mutabilityExclusions).toEqual(['latest', 'dev-*']);
  });

  it('checks file against the working directory and context/Dockerfile by default', () => {
    expect(parse({ context: 'app' }).build).toMatchObject({ context: 'app', file: undefined });
    expect(parse({ context: 'app', file: 'docker/prod.Dockerfile' }).build.file).toBe(
      'docker/prod.Dockerfile',
    );
  });

  it.each(['https://github.com/org/repo.git#main', 'git@github.com:org/repo.git', 'git://example.com/repo'])(
    'leaves remote context %s to buildx',
    (context) => {
      expect(parse({ context, file: 'build/Dockerfile' }).build).toMatchObject({
        context,
        file: 'build/Dockerfile',
      });
    },
  );

  it.each([
    'tcp://buildkitd.ci:1234',
    'tcp://10.0.0.5:1234',
    'unix:///run/buildkit/buildkitd.sock',
    'ssh://me@host',
    'docker-container://buildkitd',
    'kube-pod://buildkitd-0',
  ])('accepts buildkit endpoint %s', (endpoint) => {
    expect(parse({ 'buildkit-endpoint': endpoint }).build.buildkitEndpoint).toBe(endpoint);
  });

  it('parses the builder and multi-arch inputs', () => {
    const inputs = parse({
      'buildkit-image': 'public.ecr.aws/docker/buildkit:v0.17.0',
      'buildkitd-config-inline': '[registry."docker.io"]\n  mirrors = ["mirror.gcr.io"]',
      'driver-opts': 'network=host\nenv.BUILDKIT_STEP_LOG_MAX_SIZE=10485760',
      'cache-scope': 'web_prod',
      'merge-digests': `sha256:${'a'.repeat(64)}\nlinux/arm64=sha256:${'b'.repeat(64)}`,
    });
    expect(inputs.build).toMatchObject({
      buildkitImage: 'public.ecr.aws/docker/buildkit:v0.17.0',
      buildkitdConfigInline: '[registry."docker.io"]\n  mirrors = ["mirror.gcr.io"]',
      driverOpts: ['network=host', 'env.BUILDKIT_STEP_LOG_MAX_SIZE=10485760'],
      cacheScope: 'web_prod',
    });
    expect(inputs.publish.mergeDigests).toEqual([
      { digest: `sha256:${'a'.repeat(64)}` },
      { digest: `sha256:${'b'.repeat(64)}`, platform: 'linux/arm64' },
    ]);
  });

  it('a merge needs no Dockerfile (its job has no checkout)', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parse({ context: 'empty', 'merge-digests': digest }).publish.mergeDigests).toEqual([{ digest }]);
    expect(() => parse({ context: 'empty' })).toThrow(/Dockerfile/);
  });

  it('load with two platforms is left to run time (the containerd image store can load them)', () => {
    expect(parse({ load: 'true', platforms: 'linux/amd64,linux/arm64' }).build.load).toBe(true);
  });

  it('parses tags and flavor once, and keeps the remaining scalars', () => {
    const inputs = parse({
      tags: 'type=sha,format=long\ntype=semver,pattern={{version}}',
      flavor: 'latest=false',
      'pr-head-sha': 'true',
      target: 'runtime',
      builder: 'fleet',
      'role-session-name': 'gha-my-app-42',
      'max-attempts': '1',
      'retry-budget-seconds': '120',
      'dry-run': 'true',
      'build-in-dry-run': 'true',
    });
    expect(inputs.tags.rules.map((r) => [r.type, r.line])).toEqual([
      ['sha', 1],
      ['semver', 2],
    ]);
    expect(inputs.tags.flavor.latest).toBe('false');
    expect(inputs.tags.prHeadSha).toBe(true);
    expect(inputs.build).toMatchObject({ target: 'runtime', builder: 'fleet' });
    expect(inputs.auth.roleSessionName).toBe('gha-my-app-42');
    expect(inputs.retry).toEqual({ maxAttempts: 1, budgetSeconds: 120 });
    expect(inputs.run).toEqual({ dryRun: true, buildInDryRun: true });
  });
});
