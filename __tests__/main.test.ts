/**
 * main, end to end in one process: the real phases with the AWS SDK mocked (STS, ECR, ECR
 * Public), a fake docker on PATH and a fake registry API behind the transport. Each row asserts the
 * outputs, the state saved for the post step, and the AWS and docker calls made.
 */
import {
  BatchGetImageCommand,
  type BatchGetImageCommandInput,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ListImagesCommand,
  PutImageCommand,
  PutImageScanningConfigurationCommand,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr';
import {
  GetAuthorizationTokenCommand as GetPublicAuthorizationTokenCommand,
  ECRPUBLICClient,
} from '@aws-sdk/client-ecr-public';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActionError } from '../src/errors.js';
import { main } from '../src/main.js';
import { FINGERPRINT_LABEL } from '../src/types/build.js';
import { planTags, settleLatest } from '../src/tags/engine.js';
import { parseFlavor, parseTagRules } from '../src/tags/rules.js';
import { awsError, fakeJwt } from './support/helpers.js';
import { fakeDocker, type FakeDockerMode } from './support/fake-docker.js';
import { FakeRegistries, sha256 } from './support/fake-registry.js';
import { ACCOUNT, DEPS, githubEnv, HOST, jobOf, recordingRunner, ROLE, SHA } from './support/job.js';

// The registry API answers from the fake, in process (read when a request is made).
vi.mock('../src/net/transport.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/net/transport.js')>()),
  httpSend: (...args: Parameters<FakeRegistries['send']>) => registries.send(...args),
  // No real connection ahead of the fake registry's answers.
  preconnect: () => undefined,
}));

// Pass-through spies: the tag rules are parsed once and planned once per run.
vi.mock('../src/tags/rules.js', async (original) => {
  const rules = await original<typeof import('../src/tags/rules.js')>();
  return { ...rules, parseTagRules: vi.fn(rules.parseTagRules), parseFlavor: vi.fn(rules.parseFlavor) };
});
vi.mock('../src/tags/engine.js', async (original) => {
  const engine = await original<typeof import('../src/tags/engine.js')>();
  return { ...engine, planTags: vi.fn(engine.planTags), settleLatest: vi.fn(engine.settleLatest) };
});

const sts = mockClient(STSClient);
const ecr = mockClient(ECRClient);
const ecrPublic = mockClient(ECRPUBLICClient);

const DIGEST = sha256('the pushed manifest');
const CONFIG = sha256('the pushed config');
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
/** The pushed manifest as BatchGetImage of its digest returns it: the summary's size comes from it. */
const PUSHED_MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: MANIFEST_TYPE,
  config: { digest: CONFIG, size: 1000 },
  layers: [{ digest: sha256('layer'), size: 2 * 1024 * 1024 }],
});
const docker = fakeDocker(DIGEST, CONFIG);
const URI = `${HOST}/app`;
const MIRROR_HOST = `210987654321.dkr.ecr.us-east-1.amazonaws.com`;
const PATH = process.env.PATH;
let registries: FakeRegistries;

/** Ambient credentials (the default chain): a run that may call AWS. */
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };
const TAGS = 'type=raw,value=v1\ntype=sha,format=long';
/** The commit's tag (type=sha,format=long): what reuse looks for. */
const COMMIT_TAG = `sha-${SHA}`;

beforeAll(() => {
  process.env.PATH = `${docker.dir}:${PATH}`;
});
afterAll(() => {
  process.env.PATH = PATH;
});

beforeEach(() => {
  for (const mock of [sts, ecr, ecrPublic]) mock.reset();
  registries = new FakeRegistries();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/ci` });
  ecr.on(GetAuthorizationTokenCommand).resolves({
    authorizationData: [{ authorizationToken: Buffer.from('AWS:ecr-password').toString('base64') }],
  });
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageTagMutability: 'MUTABLE' }] });
  // No tag exists before the push; after it, the pushed digest is there under every tag asked for.
  ecr.on(BatchGetImageCommand).callsFake(async (input: BatchGetImageCommandInput) => ({
    images: (input.imageIds ?? [])
      .filter((id) => id.imageDigest === DIGEST)
      .map((imageId) => ({ imageId, imageManifest: PUSHED_MANIFEST, imageManifestMediaType: MANIFEST_TYPE })),
  }));
  ecr.on(PutImageCommand).resolves({});
});

/** One run of main: what it returned or threw, and everything it did. */
async function run(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}, mode?: FakeDockerMode) {
  const runnerEnv = githubEnv({ ...CREDENTIALS, ...docker.env(mode), ...env });
  const runner = recordingRunner({ tags: TAGS, ...inputs }, runnerEnv);
  const before = {
    docker: docker.calls().length,
    sts: sts.calls().length,
    ecr: ecr.calls().length,
    ecrPublic: ecrPublic.calls().length,
  };
  const error = await main(runner, DEPS).then(
    () => undefined,
    (e: unknown) => e,
  );
  return {
    error,
    outputs: runner.outputs,
    plan: JSON.parse(runner.outputs.plan ?? '{}') as Record<string, unknown>,
    state: runner.state,
    exported: runner.exported,
    masked: runner.masked,
    summary: runner.summaries.join('\n'),
    log: runner.log,
    docker: docker.calls().slice(before.docker).map(dockerCall),
    aws: [
      ...sts
        .calls()
        .slice(before.sts)
        .map((c) => `sts:${commandName(c.args[0])}`),
      ...ecr
        .calls()
        .slice(before.ecr)
        .map((c) => `ecr:${commandName(c.args[0])}`),
      ...ecrPublic
        .calls()
        .slice(before.ecrPublic)
        .map((c) => `ecr-public:${commandName(c.args[0])}`),
    ],
  };
}

const commandName = (command: object) => command.constructor.name.replace(/Command$/, '');

/** A docker call as the rows name it: the command, the host logged in to, whether buildx pushes. */
function dockerCall(call: string): string {
  const args = call.split(' ');
  if (args[0] === 'login') return `login ${args.at(-1)}`;
  if (args[1] === 'build') return `buildx build${args.includes('--push') ? ' --push' : ''}`;
  return args.slice(0, 2).join(' ');
}

/** The image of this commit built with these inputs, in the primary registry under its sha tag. */
function existingBuild(inputs: Record<string, string>, tags = [COMMIT_TAG]) {
  const { job } = jobOf({ tags: TAGS, ...inputs }, githubEnv(CREDENTIALS));
  const image = registries.seedImage(HOST, 'app', COMMIT_TAG, { [FINGERPRINT_LABEL]: job.fingerprint });
  ecr.on(BatchGetImageCommand).resolves({
    images: tags.map((imageTag) => ({
      imageId: { imageTag, imageDigest: image.digest },
      imageManifest: image.manifest,
      imageManifestMediaType: image.mediaType,
    })),
  });
  return image;
}

const READ_ONLY =
  /^(sts:GetCallerIdentity|ecr:(GetAuthorizationToken|DescribeRepositories|BatchGetImage|ListImages))$/;

describe('main', () => {
  it('offline dry run: no credentials, no AWS or docker call; the plan and a placeholder registry', async () => {
    const r = await run({ 'dry-run': 'true' }, { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
    expect(r.error).toBeUndefined();
    expect(r.aws).toEqual([]);
    expect(r.docker).toEqual([]);
    expect(r.state).toEqual({ 'job-dir': expect.any(String) });
    expect(r.outputs).toMatchObject({
      registry: 'ACCOUNT_ID.dkr.ecr.eu-west-1.amazonaws.com',
      'tag-names': `v1\n${COMMIT_TAG}`,
      pushed: 'false',
      digest: '',
      'aws-account-id': '',
    });
    expect(r.plan).toMatchObject({ dryRun: true, mode: 'build', push: ['v1', COMMIT_TAG], awsCalls: [] });
    expect(r.plan.command).toContain('docker buildx build');
    expect(r.plan.warnings).toContainEqual(expect.stringContaining('No AWS credentials'));
  });

  it('dry run with credentials: read-only AWS calls, nothing built or pushed', async () => {
    const r = await run({ 'dry-run': 'true' });
    expect(r.error).toBeUndefined();
    expect(r.aws.length).toBeGreaterThan(0);
    for (const call of r.aws) expect(call).toMatch(READ_ONLY);
    expect(r.aws).toEqual(
      expect.arrayContaining(['sts:GetCallerIdentity', 'ecr:GetAuthorizationToken', 'ecr:BatchGetImage']),
    );
    expect(r.docker).toEqual([]);
    expect(r.outputs).toMatchObject({ registry: HOST, 'aws-account-id': ACCOUNT, pushed: 'false' });
    expect(r.plan).toMatchObject({
      dryRun: true,
      awsCalls: ['ecr:GetAuthorizationToken', 'ecr:DescribeRepositories', 'ecr:BatchGetImage'],
    });
  });

  it('build and push: one buildx build --push (no docker login), the digest and targets', async () => {
    const r = await run({});
    expect(r.error).toBeUndefined();
    expect(r.docker).toEqual(['buildx build --push']);
    // The build reads the login from the job-private config, where the action wrote it.
    expect(docker.buildConfig()).toEqual({
      auths: { [HOST]: { auth: Buffer.from('AWS:ecr-password').toString('base64') } },
    });
    expect(r.state).toEqual({ 'job-dir': expect.any(String), hosts: HOST });
    expect(r.aws).toEqual([
      'sts:GetCallerIdentity',
      'ecr:GetAuthorizationToken',
      'ecr:DescribeRepositories',
      'ecr:BatchGetImage',
      'ecr:BatchGetImage',
    ]);
    // After the push, one read of the pushed digest with each tag (no DescribeImages): the size
    // comes from its manifest, and every tag is confirmed on it.
    expect(ecr.commandCalls(BatchGetImageCommand)[1]!.args[0].input.imageIds).toEqual([
      { imageDigest: DIGEST, imageTag: 'v1' },
      { imageDigest: DIGEST, imageTag: COMMIT_TAG },
    ]);
    expect(r.summary).toMatch(/\| Size \| 2\.0 MiB \|/);
    expect(r.plan.warnings).toEqual([]);
    expect(r.outputs).toMatchObject({
      digest: DIGEST,
      image: `${URI}@${DIGEST}`,
      imageid: CONFIG,
      tags: `${URI}:v1\n${URI}:${COMMIT_TAG}`,
      pushed: 'true',
      reused: 'false',
      'platform-digests': JSON.stringify({ 'linux/amd64': DIGEST }),
    });
    expect(JSON.parse(r.outputs.targets!)).toEqual([
      { uri: URI, pushed: true, digest: DIGEST, tags: ['v1', COMMIT_TAG] },
    ]);
    expect(r.summary).toContain(`${URI}@${DIGEST}`);
  });

  it('after the push, a tag ECR does not show on the pushed digest is a warning; the push stands', async () => {
    ecr.on(BatchGetImageCommand).callsFake(async (input: BatchGetImageCommandInput) => ({
      images: (input.imageIds ?? [])
        .filter((id) => id.imageDigest === DIGEST && id.imageTag === 'v1')
        .map((imageId) => ({
          imageId,
          imageManifest: PUSHED_MANIFEST,
          imageManifestMediaType: MANIFEST_TYPE,
        })),
    }));
    const r = await run({});
    expect(r.error).toBeUndefined();
    expect(r.outputs.pushed).toBe('true');
    expect(r.plan.warnings).toEqual([`After the push, ECR does not list tag(s) ${COMMIT_TAG} on ${DIGEST}.`]);
    expect(r.summary).toMatch(/\| Size \| 2\.0 MiB \|/);
  });

  it('build with push false: built and loaded nowhere, no digest, nothing pushed', async () => {
    const r = await run({ push: 'false' });
    expect(r.error).toBeUndefined();
    expect(r.docker).toEqual(['buildx build']);
    // Nothing pushed: nothing read back.
    expect(r.aws.filter((c) => c === 'ecr:BatchGetImage')).toHaveLength(1);
    expect(r.outputs).toMatchObject({ digest: '', pushed: 'false', imageid: CONFIG, targets: '[]' });
    expect(r.state).toEqual({ 'job-dir': expect.any(String), hosts: HOST });
  });

  it('reuse: the image of this commit and configuration is re-tagged, not rebuilt', async () => {
    const image = existingBuild({});
    const r = await run({});
    expect(r.error).toBeUndefined();
    expect(r.docker).toEqual([]);
    expect(r.state).toEqual({});
    expect(r.aws.filter((c) => c === 'ecr:PutImage')).toHaveLength(1);
    expect(ecr.commandCalls(PutImageCommand)[0]!.args[0].input).toMatchObject({
      imageTag: 'v1',
      imageDigest: image.digest,
    });
    expect(r.outputs).toMatchObject({ digest: image.digest, reused: 'true', pushed: 'true' });
    expect(r.plan).toMatchObject({ mode: 'reuse', retag: ['v1'], unchanged: [COMMIT_TAG] });
    // imageid and metadata from the image found, in the shape a build gives them.
    const config = (JSON.parse(image.manifest) as { config: { digest: string } }).config.digest;
    expect(r.outputs.imageid).toBe(config);
    expect(JSON.parse(r.outputs.metadata!)).toMatchObject({
      'containerimage.digest': image.digest,
      'containerimage.config.digest': config,
    });
  });

  it('immutable conflict: fails before any build, naming the tag; outputs still written', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageTagMutability: 'IMMUTABLE' }] });
    ecr.on(BatchGetImageCommand).resolves({
      images: [
        {
          imageId: { imageTag: 'v1', imageDigest: sha256('another build') },
          imageManifest: '{"schemaVersion":2,"layers":[]}',
        },
      ],
    });
    const r = await run({});
    expect(r.error).toBeInstanceOf(ActionError);
    expect((r.error as ActionError).code).toBe('ImmutableTagConflict');
    expect(r.docker).toEqual([]);
    expect(r.aws).not.toContain('ecr:PutImage');
    expect(r.state).toEqual({});
    expect(r.plan).toMatchObject({ conflicts: [{ tag: 'v1', digest: sha256('another build') }] });
    expect(r.outputs.pushed).toBe('false');
    expect(r.summary).toContain('already point at another image');
  });

  it('partial push: the primary has the image, the extra registry refuses; each target says so', async () => {
    registries.seedImage(HOST, 'app', DIGEST, {});
    registries.refusing.add(MIRROR_HOST);
    const r = await run({ registries: '210987654321/us-east-1' });
    expect((r.error as ActionError).code).toBe('PartialPush');
    expect(r.docker).toEqual(['buildx build --push']);
    const targets = JSON.parse(r.outputs.targets!) as { uri: string; pushed: boolean; error?: string }[];
    expect(targets.map((t) => [t.uri, t.pushed])).toEqual([
      [URI, true],
      [`${MIRROR_HOST}/app`, false],
    ]);
    expect(targets[1]!.error).toContain('403');
    expect(r.outputs).toMatchObject({ digest: DIGEST, pushed: 'false' });
    // Both registries were opened with one session: two tokens, two repositories.
    expect(r.aws.filter((c) => c === 'ecr:GetAuthorizationToken')).toHaveLength(2);
  });

  it('scan after a build: findings become the scan-findings output', async () => {
    ecr.on(DescribeImageScanFindingsCommand).resolves({
      imageScanStatus: { status: 'COMPLETE' },
      imageScanFindings: { findingSeverityCounts: { LOW: 2 } },
    });
    const r = await run({ scan: 'wait', 'fail-on-severity': 'HIGH' });
    expect(r.error).toBeUndefined();
    expect(r.aws).toContain('ecr:DescribeImageScanFindings');
    expect(JSON.parse(r.outputs['scan-findings']!)).toEqual({ LOW: 2 });
  });

  it('scan after a re-tag: a scan that fails the gate still leaves the outputs', async () => {
    existingBuild({ scan: 'wait', 'fail-on-severity': 'HIGH' });
    // Not scanned yet (a re-tagged image may have been): asked first, then started once.
    ecr
      .on(DescribeImageScanFindingsCommand)
      .rejectsOnce(awsError('ScanNotFoundException'))
      .resolves({
        imageScanStatus: { status: 'COMPLETE' },
        imageScanFindings: { findingSeverityCounts: { CRITICAL: 1 } },
      });
    ecr.on(StartImageScanCommand).resolves({});
    const r = await run({ scan: 'wait', 'fail-on-severity': 'HIGH' });
    expect((r.error as ActionError).code).toBe('ScanGateFailed');
    expect(r.docker).toEqual([]);
    expect(r.aws.filter((c) => /Scan/.test(c))).toEqual([
      'ecr:DescribeImageScanFindings',
      'ecr:StartImageScan',
      'ecr:DescribeImageScanFindings',
    ]);
    expect(r.outputs).toMatchObject({ reused: 'true', pushed: 'true' });
    expect(JSON.parse(r.outputs['scan-findings']!)).toEqual({ CRITICAL: 1 });
  });

  it('a failing build still writes every output and the summary with the error', async () => {
    const r = await run({}, {}, 'build-fails');
    expect((r.error as ActionError).code).toBe('DockerFailed');
    expect(r.outputs).toMatchObject({ digest: '', pushed: 'false', 'tag-names': `v1\n${COMMIT_TAG}` });
    expect(JSON.parse(r.outputs.targets!)).toEqual([{ uri: URI, pushed: false, tags: ['v1', COMMIT_TAG] }]);
    expect(r.summary).toContain('failed');
    expect(r.state).toEqual({ 'job-dir': expect.any(String), hosts: HOST });
  });

  it('asks ListImages only when latest=auto adds latest for a release, and plans the tags once', async () => {
    ecr.on(ListImagesCommand).resolves({ imageIds: [{ imageTag: 'v9.0.0' }] });
    for (const spy of [parseTagRules, parseFlavor, planTags, settleLatest]) vi.mocked(spy).mockClear();
    const r = await run(
      { tags: 'type=semver,pattern={{version}}\ntype=sha,format=long', 'dry-run': 'true' },
      { GITHUB_REF: 'refs/tags/v1.2.3' },
    );
    expect(r.aws).toContain('ecr:ListImages');
    // latest withheld: the repository has a newer release.
    expect(r.outputs['tag-names']).toBe(`1.2.3\n${COMMIT_TAG}`);
    // One parse of the rules and the flavor (the input table), one run of the engine; the
    // repository's tags only settle `latest`.
    expect(
      [parseTagRules, parseFlavor, planTags, settleLatest].map((f) => vi.mocked(f).mock.calls.length),
    ).toEqual([1, 1, 1, 1]);
    const plain = await run({ 'dry-run': 'true' });
    expect(plain.aws).not.toContain('ecr:ListImages');
  });

  it('web identity from a token file: the role assumed, the session exported when asked', async () => {
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'token-')), 'token');
    writeFileSync(tokenFile, fakeJwt({ sub: 'repo:acme/app:ref:refs/heads/main', aud: 'sts.amazonaws.com' }));
    sts.on(AssumeRoleWithWebIdentityCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAROLE',
        SecretAccessKey: 'role-secret',
        SessionToken: 'role-session',
        Expiration: new Date('2030-01-01'),
      },
      AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/s`, AssumedRoleId: 'AROA:s' },
    });
    const r = await run(
      { 'role-to-assume': ROLE, 'export-credentials': 'true', push: 'false' },
      { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile },
    );
    expect(r.error).toBeUndefined();
    expect(r.aws[0]).toBe('sts:AssumeRoleWithWebIdentity');
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: ROLE,
      RoleSessionName: 'GitHubActions-app-42-1',
    });
    expect(r.exported).toEqual({
      AWS_ACCESS_KEY_ID: 'ASIAROLE',
      AWS_SECRET_ACCESS_KEY: 'role-secret',
      AWS_SESSION_TOKEN: 'role-session',
      AWS_REGION: 'eu-west-1',
    });
    expect(r.masked).toEqual(expect.arrayContaining(['role-secret', 'role-session', 'ecr-password']));
    expect(r.outputs['aws-account-id']).toBe(ACCOUNT);
    // The log: one group per phase, each saying what it did.
    expect(r.log.filter((l) => l.startsWith('::group::'))).toEqual([
      '::group::AWS credentials',
      '::group::ECR',
      '::group::Tags and plan',
      '::group::Build',
    ]);
    expect(r.log).toContain(`Assumed role ${ROLE} as arn:aws:sts::${ACCOUNT}:assumed-role/deploy/s`);
    expect(r.log).toContain(`2 tags: v1, ${COMMIT_TAG}`);
    expect(r.log).toContainEqual(expect.stringMatching(/^Builder: /));
  });

  it('export-credentials with the default chain: nothing to export, a warning says so', async () => {
    const r = await run({ 'export-credentials': 'true', 'dry-run': 'true' });
    expect(r.exported).toEqual({});
    expect(r.log).not.toContainEqual(expect.stringContaining('export-credentials'));
    const real = await run({ 'export-credentials': 'true', push: 'false' });
    expect(real.exported).toEqual({});
    expect(real.log).toContainEqual(expect.stringContaining('nothing exported'));
  });

  it('the token, the repository and the planned tags are asked for at once (each needs only credentials)', async () => {
    // DescribeRepositories answers only once BatchGetImage has arrived: one after the other never ends.
    let seen!: () => void;
    const batchArrived = new Promise<void>((resolve) => (seen = resolve));
    ecr.on(BatchGetImageCommand).callsFake(async () => (seen(), { images: [] }));
    ecr
      .on(DescribeRepositoriesCommand)
      .callsFake(async () => (await batchArrived, { repositories: [{ imageTagMutability: 'MUTABLE' }] }));
    const r = await run({ 'dry-run': 'true' });
    expect(r.error).toBeUndefined();
    expect(r.plan.awsCalls).toEqual([
      'ecr:GetAuthorizationToken',
      'ecr:DescribeRepositories',
      'ecr:BatchGetImage',
    ]);
    // Read once: the plan uses the early answer.
    expect(ecr.commandCalls(BatchGetImageCommand)).toHaveLength(1);
  });

  it.each([
    { name: 'a plain run', inputs: {} as Record<string, string>, lookups: 1 },
    { name: 'push-by-digest (no tag to look up)', inputs: { 'push-by-digest': 'true' }, lookups: 0 },
  ])('the early tag look-up: $name', async ({ inputs, lookups }) => {
    const r = await run(inputs);
    expect(r.error).toBeUndefined();
    expect(
      ecr.commandCalls(BatchGetImageCommand).filter((c) => !c.args[0].input.imageIds?.[0]?.imageDigest),
    ).toHaveLength(lookups);
  });

  it('a missing repository is created when asked, and only then', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'));
    // The tag look-up sent beside DescribeRepositories is refused the same way until the
    // repository exists: only DescribeRepositories' answer counts (RepositoryNotFound, or a new
    // repository whose tags the plan reads again).
    ecr.on(BatchGetImageCommand).callsFake(async () => {
      if (ecr.commandCalls(CreateRepositoryCommand).length === 0)
        throw awsError('RepositoryNotFoundException');
      return { images: [] };
    });
    ecr.on(CreateRepositoryCommand).resolves({ repository: { imageTagMutability: 'IMMUTABLE' } });
    const refused = await run({});
    expect((refused.error as ActionError).code).toBe('RepositoryNotFound');
    expect(refused.docker).toEqual([]);
    const dry = await run({ 'create-repository': 'true', 'dry-run': 'true' });
    expect(dry.aws).not.toContain('ecr:CreateRepository');
    expect(dry.plan.warnings).toContainEqual(expect.stringContaining('a real run creates it'));
    const created = await run({ 'create-repository': 'true', 'image-tag-mutability': 'IMMUTABLE' });
    expect(created.error).toBeUndefined();
    expect(ecr.commandCalls(CreateRepositoryCommand)[0]!.args[0].input).toMatchObject({
      repositoryName: 'app',
      imageTagMutability: 'IMMUTABLE',
    });
    expect(created.docker).toEqual(['buildx build --push']);
    // Refused beside DescribeRepositories, read again once the repository was created.
    expect(created.aws.filter((c) => c === 'ecr:BatchGetImage').length).toBeGreaterThanOrEqual(2);
  });

  it('update-repository-settings applies only the settings given', async () => {
    ecr.on(PutImageScanningConfigurationCommand).resolves({});
    const r = await run({ 'update-repository-settings': 'true', 'scan-on-push': 'true', push: 'false' });
    expect(r.error).toBeUndefined();
    expect(r.aws).toContain('ecr:PutImageScanningConfiguration');
    expect(r.aws).not.toContain('ecr:PutImageTagMutability');
  });

  it("logins: the user's carried into the private config, base-registries added for pulls", async () => {
    const user = mkdtempSync(join(tmpdir(), 'user-docker-'));
    const octo = { auth: Buffer.from('octo-ci:pw').toString('base64') };
    const text = `${JSON.stringify({ auths: { 'registry.octo.example': octo } })}\n`;
    writeFileSync(join(user, 'config.json'), text);
    const SAME_REGION = '111111111111.dkr.ecr.eu-west-1.amazonaws.com';
    ecr.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [{ authorizationToken: Buffer.from('AWS:ecr-password').toString('base64') }],
    });
    const r = await run(
      { push: 'false', 'base-registries': `111111111111/eu-west-1, 210987654321/us-east-1` },
      { DOCKER_CONFIG: user },
    );
    expect(r.error).toBeUndefined();
    // One token for the primary (it serves the same-region base registry), one for us-east-1.
    expect(r.aws.filter((c) => c === 'ecr:GetAuthorizationToken')).toHaveLength(2);
    const ecrAuth = { auth: Buffer.from('AWS:ecr-password').toString('base64') };
    const config = JSON.parse(readFileSync(join(r.state['job-dir']!, 'docker', 'config.json'), 'utf8'));
    expect(config.auths).toEqual({
      'registry.octo.example': octo,
      [HOST]: ecrAuth,
      [SAME_REGION]: ecrAuth,
      [MIRROR_HOST]: ecrAuth,
    });
    expect(r.state.hosts).toBe([HOST, SAME_REGION, MIRROR_HOST].join(','));
    expect(r.log).toContain(`Logged in to ${MIRROR_HOST} for pulls (base-registries)`);
    // The user's file is read, never written.
    expect(readFileSync(join(user, 'config.json'), 'utf8')).toBe(text);
  });

  it('ECR Public: its own login, always built and pushed', async () => {
    ecrPublic.on(GetPublicAuthorizationTokenCommand).resolves({
      authorizationData: { authorizationToken: Buffer.from('AWS:public-password').toString('base64') },
    });
    const r = await run({ registry: 'public.ecr.aws/acme' });
    expect(r.error).toBeUndefined();
    expect(r.aws).toEqual(['sts:GetCallerIdentity', 'ecr-public:GetAuthorizationToken']);
    expect(r.docker).toEqual(['buildx build --push']);
    expect(Object.keys(docker.buildConfig().auths as object)).toEqual(['public.ecr.aws']);
    expect(r.outputs).toMatchObject({ 'repository-uri': 'public.ecr.aws/acme/app', digest: DIGEST });
    expect(r.plan.reason).toContain('ECR Public');
  });

  it('two platforms: the job creates its own builder and saves it for the post step', async () => {
    const r = await run({ platforms: 'linux/amd64,linux/arm64' });
    expect(r.error).toBeUndefined();
    // The current builder is probed once (both questions at once), then the job's own created.
    expect(r.docker.slice(0, 2).sort()).toEqual(['buildx inspect', 'info --format']);
    expect(r.docker.slice(2)).toEqual(['buildx create', 'buildx build --push']);
    expect(r.state.builder).toMatch(/^ecr-build-push-42-\d+$/);
    expect(r.summary).toMatch(/\| Builder \| ecr-build-push-42-\d+: /);
  });

  it('reuse-key tree: the tree tag is planned and looked up', async () => {
    const r = await run({ 'reuse-key': 'tree', 'dry-run': 'true' });
    expect(r.outputs['tag-names']).toBe(`v1\n${COMMIT_TAG}\ntree-${'a'.repeat(40)}`);
    expect(ecr.commandCalls(BatchGetImageCommand)[0]!.args[0].input.imageIds).toContainEqual({
      imageTag: `tree-${'a'.repeat(40)}`,
    });
  });

  it('no tag planned: a clear error before any AWS call', async () => {
    const r = await run({ tags: 'type=ref,event=tag' });
    expect((r.error as ActionError).code).toBe('NoTags');
    expect(r.aws).toEqual([]);
    expect(r.outputs.pushed).toBe('false');
  });

  /** Two platform images pushed by earlier jobs, for a merge to read (BatchGetImage). */
  function pushedPlatforms() {
    const amd = registries.seedImage(HOST, 'app', 'amd', {});
    // Its platform is not written: the image config says it.
    const arm = registries.seedImage(HOST, 'app', 'arm', {}, { os: 'linux', architecture: 'arm64' });
    ecr.on(BatchGetImageCommand).callsFake(async (input: { imageIds: { imageDigest?: string }[] }) => ({
      images: input.imageIds.flatMap(({ imageDigest }) => {
        const image = [amd, arm].find((i) => i.digest === imageDigest);
        return image
          ? [
              {
                imageId: { imageDigest },
                imageManifest: image.manifest,
                imageManifestMediaType: image.mediaType,
              },
            ]
          : [];
      }),
    }));
    return { amd, arm, mergeDigests: `linux/amd64=${amd.digest}\n${arm.digest}` };
  }

  it('merge-digests: the pushed images composed into one index, put under the tags; no docker', async () => {
    const { amd, arm, mergeDigests } = pushedPlatforms();
    const r = await run({ 'merge-digests': mergeDigests });
    expect(r.error).toBeUndefined();
    expect(r.docker).toEqual([]);
    expect(r.state).toEqual({});
    expect(r.aws.filter((c) => c === 'ecr:PutImage')).toHaveLength(2);
    const put = ecr.commandCalls(PutImageCommand).map((c) => c.args[0].input);
    expect(put.map((p) => p.imageTag)).toEqual(['v1', COMMIT_TAG]);
    expect(JSON.parse(r.outputs['platform-digests']!)).toEqual({
      'linux/amd64': amd.digest,
      'linux/arm64': arm.digest,
    });
    expect(r.outputs).toMatchObject({ digest: put[0]!.imageDigest, pushed: 'true' });
    expect(r.plan).toMatchObject({ mode: 'merge', retag: ['v1', COMMIT_TAG] });
    expect(r.summary).toContain('merged into an index');
  });

  it('scan of an index: each platform image scanned, never the index; the failing one named, the findings combined', async () => {
    const { amd, arm, mergeDigests } = pushedPlatforms();
    ecr
      .on(DescribeImageScanFindingsCommand)
      .callsFake(async (input: { imageId?: { imageDigest?: string } }) => ({
        imageScanStatus: { status: 'COMPLETE' },
        imageScanFindings: {
          findingSeverityCounts: input.imageId?.imageDigest === arm.digest ? { CRITICAL: 1 } : { LOW: 2 },
        },
      }));
    const r = await run({ 'merge-digests': mergeDigests, scan: 'wait', 'fail-on-severity': 'HIGH' });
    expect((r.error as ActionError).code).toBe('ScanGateFailed');
    expect((r.error as ActionError).message).toContain(arm.digest);
    expect((r.error as ActionError).message).not.toContain(amd.digest);
    const scanned = ecr
      .commandCalls(DescribeImageScanFindingsCommand)
      .map((c) => c.args[0].input.imageId?.imageDigest);
    expect(scanned.sort()).toEqual([amd.digest, arm.digest].sort());
    // Recorded although the gate threw: both platforms' findings, added up.
    expect(JSON.parse(r.outputs['scan-findings']!)).toEqual({ CRITICAL: 1, LOW: 2 });
    expect(r.outputs).toMatchObject({ pushed: 'true' });
  });

  it('merge-digests in a dry run, or of a digest never pushed: a clear error', async () => {
    const dry = await run({ 'merge-digests': `linux/amd64=sha256:${'a'.repeat(64)}`, 'dry-run': 'true' });
    expect((dry.error as ActionError).code).toBe('MergeDryRun');
    const missing = await run({ 'merge-digests': `linux/amd64=sha256:${'a'.repeat(64)}` });
    expect((missing.error as ActionError).code).toBe('MergeDigestNotFound');
    expect(missing.aws).not.toContain('ecr:PutImage');
    ecrPublic.on(GetPublicAuthorizationTokenCommand).resolves({
      authorizationData: { authorizationToken: Buffer.from('AWS:public-password').toString('base64') },
    });
    const publicMerge = await run({
      'merge-digests': `linux/amd64=sha256:${'a'.repeat(64)}`,
      registry: 'public.ecr.aws/acme',
    });
    expect((publicMerge.error as ActionError).code).toBe('MergeUnsupported');
  });

  describe('an immutable push refused because another run pushed at the same time', () => {
    const { job } = jobOf({ tags: TAGS }, githubEnv(CREDENTIALS));
    /** The other run's image under `tags`: not there when planned, there once our push was refused. */
    const pushedMeanwhile = (fingerprint: string, tags: string[]) => {
      ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageTagMutability: 'IMMUTABLE' }] });
      const theirs = registries.seedImage(HOST, 'app', 'v1', { [FINGERPRINT_LABEL]: fingerprint });
      const images = tags.map((imageTag) => ({
        imageId: { imageTag, imageDigest: theirs.digest },
        imageManifest: theirs.manifest,
        imageManifestMediaType: theirs.mediaType,
      }));
      ecr.on(BatchGetImageCommand).resolvesOnce({ images: [] }).resolves({ images });
      return theirs;
    };
    const looks = (aws: string[]) => aws.filter((call) => call === 'ecr:BatchGetImage').length;

    it('by a run of this commit and configuration: its image is the result', async () => {
      const theirs = pushedMeanwhile(job.fingerprint, ['v1', COMMIT_TAG]);
      const r = await run({}, {}, 'push-refused-immutable');
      expect(r.error).toBeUndefined();
      // Its id and metadata, as a build of ours would have reported them.
      const config = (JSON.parse(theirs.manifest) as { config: { digest: string } }).config.digest;
      expect(r.outputs).toMatchObject({ digest: theirs.digest, pushed: 'true', imageid: config });
      expect(JSON.parse(r.outputs.metadata!)).toMatchObject({
        'containerimage.digest': theirs.digest,
        'image.name': `${URI}:v1,${URI}:${COMMIT_TAG}`,
      });
      expect(r.log).toContainEqual(expect.stringContaining('Another run of this commit pushed'));
      expect(looks(r.aws)).toBe(2);
    });

    it('by another build: ImmutableTagConflict at once, naming each tag and what it holds', async () => {
      const theirs = pushedMeanwhile('another configuration', ['v1']);
      const r = await run({}, {}, 'push-refused-immutable');
      const error = r.error as ActionError;
      expect(error.code).toBe('ImmutableTagConflict');
      expect(error.message).toContain("tag(s) of this run name another build's image");
      expect(error.message).toContain(`${HOST}/app:v1 -> ${theirs.digest} (another build)`);
      expect(error.message).toContain(`${HOST}/app:${COMMIT_TAG}: not pushed`);
      expect(error.hint).toContain('on-immutable-conflict: skip');
      // No wait for the tag that is missing: one look after the refusal decides.
      expect(looks(r.aws)).toBe(2);
      expect(r.outputs.pushed).toBe('false');
    });
  });

  it('a release repairs a moving tag an older release took meanwhile', async () => {
    const older = registries.seedImage(HOST, 'app', '1.1.0', {});
    ecr.on(ListImagesCommand).resolves({
      imageIds: [
        { imageTag: '1.2.0', imageDigest: DIGEST },
        { imageTag: '1.1.0', imageDigest: older.digest },
        { imageTag: '1', imageDigest: older.digest },
      ],
    });
    ecr.on(BatchGetImageCommand).callsFake(async (input: { imageIds: { imageDigest?: string }[] }) => ({
      images: input.imageIds.some((id) => id.imageDigest === DIGEST)
        ? [
            {
              imageId: { imageDigest: DIGEST },
              imageManifest: older.manifest,
              imageManifestMediaType: older.mediaType,
            },
          ]
        : [],
    }));
    const r = await run(
      { tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}', flavor: 'latest=false' },
      { GITHUB_REF: 'refs/tags/v1.2.0' },
    );
    expect(r.error).toBeUndefined();
    expect(r.outputs['tag-names']).toBe('1.2.0\n1');
    expect(r.plan.warnings).toContainEqual(
      expect.stringMatching(/^Moving tag 1 was held by an older release: re-pointed to 1\.2\.0/),
    );
    // Said once in the log: as the warning annotation, not also as an info line.
    expect(r.log.filter((line) => line.includes('Moving tag 1 was held'))).toEqual([
      expect.stringMatching(/^warning: Moving tag 1 was held by an older release: re-pointed to 1\.2\.0/),
    ]);
    expect(ecr.commandCalls(PutImageCommand).map((c) => c.args[0].input.imageTag)).toEqual(['1']);
  });

  it('cache: local without a cache service: the export replaces the directory after the build', async () => {
    const r = await run({ cache: 'local', push: 'false' });
    expect(r.error).toBeUndefined();
    const build = docker.calls().findLast((c) => c.startsWith('buildx build'))!;
    const dir = /type=local,src=(\S+)/.exec(build)?.[1];
    expect(dir).toMatch(/ecr-build-push-cache\/app/);
    expect(build).toContain(`type=local,dest=${dir}-new,mode=max`);
    expect(r.log.filter((l) => l.startsWith('Local build cache'))).toEqual([]);
  });
});

const denied = () =>
  awsError('AccessDeniedException', 'User: arn:aws:sts::1:assumed-role/r/s is not authorized');
const DENY = {
  DescribeRepositories: () => ecr.on(DescribeRepositoriesCommand).rejects(denied()),
  ListImages: () => ecr.on(ListImagesCommand).rejects(denied()),
  Scan: () => {
    ecr.on(DescribeImageScanFindingsCommand).rejects(denied());
    ecr.on(StartImageScanCommand).rejects(denied());
  },
  PutImageScanningConfiguration: () => ecr.on(PutImageScanningConfigurationCommand).rejects(denied()),
};
const RELEASE = {
  tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}\ntype=sha,format=long',
};
const permissionWarnings = (plan: Record<string, unknown>) =>
  (plan.warnings as string[]).filter((w) => w.startsWith('The role may not call'));

describe('main with only the push/pull policy', () => {
  // name, calls refused, inputs, env, an image of this commit exists, the permission warnings (in order)
  it.each<[string, (keyof typeof DENY)[], Record<string, string>, NodeJS.ProcessEnv, boolean, RegExp[]]>([
    [
      'push on a branch',
      ['DescribeRepositories'],
      {},
      {},
      false,
      // The size and the tag check come from BatchGetImage, which the policy grants.
      [
        /^The role may not call ecr:DescribeRepositories: the repository's settings were not read: its tag mutability is unknown .* Grant ecr:DescribeRepositories to have it/,
      ],
    ],
    ['a re-run: reused', ['DescribeRepositories'], {}, {}, true, [/ecr:DescribeRepositories/]],
    [
      'a release: latest added unchecked, moving tags not compared; one warning for ListImages',
      ['DescribeRepositories', 'ListImages'],
      RELEASE,
      { GITHUB_REF: 'refs/tags/v1.2.0' },
      false,
      [
        /ecr:DescribeRepositories/,
        /^The role may not call ecr:ListImages: latest was added without checking the releases already in the repository, so it may move back to an older version; the check that latest, MAJOR and MAJOR.MINOR are not held by an older release pushed at the same time \(skipped\)\./,
      ],
    ],
    [
      'scan: wait without a gate: not scanned',
      ['Scan'],
      { scan: 'wait' },
      {},
      false,
      [/^The role may not call ecr:DescribeImageScanFindings: the image was not scanned \(scan: wait\)/],
    ],
    [
      'update-repository-settings without PutImageScanningConfiguration',
      ['PutImageScanningConfiguration'],
      { 'update-repository-settings': 'true', 'scan-on-push': 'true' },
      {},
      false,
      [/^The role may not call ecr:PutImageScanningConfiguration: update-repository-settings left/],
    ],
  ])('%s', async (_name, refused, inputs, env, exists, warnings) => {
    for (const call of refused) DENY[call]();
    if (exists) existingBuild(inputs);
    const r = await run(inputs, env);
    expect(r.error).toBeUndefined();
    expect(r.outputs.pushed).toBe('true');
    expect(r.outputs.reused).toBe(String(exists));
    expect(permissionWarnings(r.plan)).toEqual(warnings.map((w) => expect.stringMatching(w)));
    if (env.GITHUB_REF) expect(r.outputs['tag-names']).toBe(`1.2.0\n1\n${COMMIT_TAG}\nlatest`);
  });

  it('a scan gate cannot pass unseen: without the scan permissions it fails, after the push', async () => {
    DENY.Scan();
    const r = await run({ scan: 'wait', 'fail-on-severity': 'HIGH' });
    expect((r.error as ActionError).code).toBe('EcrAccessDenied');
    expect(r.outputs).toMatchObject({ pushed: 'true', digest: DIGEST });
  });

  it('a read after the push that fails for another reason warns; the push stands', async () => {
    // The read of the pushed digest fails; the look-up before the build still answers.
    ecr.on(BatchGetImageCommand).callsFake(async (input: BatchGetImageCommandInput) => {
      if (input.imageIds?.[0]?.imageDigest) throw awsError('ServerException', 'not visible yet', 500);
      return { images: [] };
    });
    const r = await run({ 'max-attempts': '1' });
    expect(r.error).toBeUndefined();
    expect(r.outputs).toMatchObject({ pushed: 'true', digest: DIGEST });
    expect(r.plan.warnings).toContainEqual(
      expect.stringMatching(
        /^The push succeeded, but the image size, its platform digests .* could not be read: .*not visible yet/,
      ),
    );
  });

  it('a missing repository with create-repository but no DescribeRepositories: creation skipped', async () => {
    DENY.DescribeRepositories();
    const r = await run({ 'create-repository': 'true' });
    expect(r.error).toBeUndefined();
    expect(r.aws).not.toContain('ecr:CreateRepository');
    expect(permissionWarnings(r.plan)[0]).toContain(
      'create-repository and update-repository-settings were skipped',
    );
  });
});
