/**
 * The OIDC issuer and the AWS emulator, driven in-process by the real AWS SDK clients.
 */
import { type JsonWebKey, createVerify, generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ListImagesCommand,
  PutImageCommand,
  StartImageScanCommand,
  GetLifecyclePolicyCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import {
  CreateRepositoryCommand as CreatePublicRepositoryCommand,
  ECRPUBLICClient,
  GetAuthorizationTokenCommand as GetPublicTokenCommand,
} from '@aws-sdk/client-ecr-public';
import { getIDToken } from '@actions/core';
import { startOidcIssuer, type OidcIssuer } from '../oidc-issuer.js';
import { startAwsEmulator, type AwsEmulator } from '../aws/server.js';
import { StackClient } from '../client.js';
import { findRepository } from '../state.js';
import { ACCOUNTS, ROLES, STATIC_KEYS } from '../topology.js';

const REQUEST_TOKEN = 'request-token-for-tests';
const PASSWORD = 'registry-password-for-tests';
const ROLE = ROLES[0]!;
const ACCOUNT = ACCOUNTS[0]!;

let issuer: OidcIssuer;
let emulator: AwsEmulator;
let control: StackClient;

beforeAll(async () => {
  issuer = await startOidcIssuer({ port: 0, requestToken: REQUEST_TOKEN });
  emulator = await startAwsEmulator({
    port: 0,
    jwksUrl: issuer.jwksUrl,
    issuer: issuer.issuer,
    registryPassword: PASSWORD,
  });
  control = new StackClient(emulator.url);
});

afterAll(async () => {
  await emulator?.close();
  await issuer?.close();
});

beforeEach(() => control.reset());

async function fetchToken(audience = 'sts.amazonaws.com'): Promise<string> {
  const res = await fetch(`${issuer.url}&audience=${encodeURIComponent(audience)}`, {
    headers: { authorization: `Bearer ${REQUEST_TOKEN}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: string }).value;
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

const sts = () => new STSClient({ endpoint: emulator.url, region: ACCOUNT.region, maxAttempts: 1 });

function assume(
  token: string,
  extra: { RoleSessionName?: string; DurationSeconds?: number; RoleArn?: string } = {},
) {
  return sts().send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: ROLE.arn,
      RoleSessionName: 'gha-run-1',
      WebIdentityToken: token,
      ...extra,
    }),
  );
}

/** The SDK error a promise rejects with (fails the test when it resolves). */
async function errorOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

async function assumedCredentials() {
  const { Credentials } = await assume(await fetchToken());
  return {
    accessKeyId: Credentials!.AccessKeyId!,
    secretAccessKey: Credentials!.SecretAccessKey!,
    sessionToken: Credentials!.SessionToken!,
  };
}

const ecr = (
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = STATIC_KEYS,
) => new ECRClient({ endpoint: emulator.url, region: ACCOUNT.region, maxAttempts: 1, credentials });

describe('OIDC issuer', () => {
  it('refuses a request without the bearer token', async () => {
    const res = await fetch(`${issuer.url}&audience=sts.amazonaws.com`);
    expect(res.status).toBe(401);
  });

  it('issues an RS256 JWT with GitHub claims that verifies against its JWKS', async () => {
    const jwt = await fetchToken();
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const claims = claimsOf(jwt);
    expect(claims).toMatchObject({
      iss: issuer.issuer,
      aud: 'sts.amazonaws.com',
      sub: 'repo:octo-org/octo-app:ref:refs/heads/main',
      repository: 'octo-org/octo-app',
      repository_owner: 'octo-org',
      ref: 'refs/heads/main',
      job_workflow_ref: 'octo-org/octo-app/.github/workflows/build.yml@refs/heads/main',
      event_name: 'push',
    });
    expect(claims.exp - claims.iat).toBe(300);

    const { keys } = (await (await fetch(issuer.jwksUrl)).json()) as {
      keys: (JsonWebKey & { kid: string })[];
    };
    const kid = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).kid;
    const jwk = keys.find((k) => k.kid === kid);
    expect(jwk).toBeDefined();
    const verifier = createVerify('sha256').update(`${header}.${payload}`);
    expect(verifier.verify({ key: jwk!, format: 'jwk' }, Buffer.from(signature, 'base64url'))).toBe(true);

    const discovery = await (await fetch(`${issuer.issuer}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({ issuer: issuer.issuer, jwks_uri: issuer.jwksUrl });
  });

  it('defaults the audience to the owner URL and serves @actions/core getIDToken', async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = issuer.url;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = REQUEST_TOKEN;
    try {
      expect(claimsOf(await getIDToken()).aud).toBe('https://github.com/octo-org');
      expect(claimsOf(await getIDToken('sts.amazonaws.com')).aud).toBe('sts.amazonaws.com');
    } finally {
      delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
      delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    }
  });

  it('applies claim overrides from the control API and derives sub from ref', async () => {
    await control.setOidcClaims({ ref: 'refs/tags/v1.2.3' });
    expect(claimsOf(await fetchToken())).toMatchObject({
      ref: 'refs/tags/v1.2.3',
      ref_type: 'tag',
      sub: 'repo:octo-org/octo-app:ref:refs/tags/v1.2.3',
    });
  });

  it('answers the oidc:token fault and logs it', async () => {
    await control.setFaults([{ target: 'oidc:token', count: 1, kind: 'status', status: 500 }]);
    const res = await fetch(`${issuer.url}&audience=x`, {
      headers: { authorization: `Bearer ${REQUEST_TOKEN}` },
    });
    expect(res.status).toBe(500);
    await fetchToken();
    const log = (await control.getLog()).filter((e) => e.service === 'oidc');
    expect(log.map((e) => [e.status, e.fault])).toEqual([
      [500, 'status 500'],
      [200, undefined],
    ]);
  });
});

describe('STS AssumeRoleWithWebIdentity', () => {
  it('issues temporary credentials for a trusted subject', async () => {
    const out = await assume(await fetchToken(), { DurationSeconds: 900 });
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toBeTruthy();
    expect(out.Credentials?.SessionToken).toBeTruthy();
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(890_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT.id}:assumed-role/gha-ecr-push/gha-run-1`);
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:gha-run-1$/);
    expect(out.SubjectFromWebIdentityToken).toBe('repo:octo-org/octo-app:ref:refs/heads/main');
    expect(out.Audience).toBe('sts.amazonaws.com');
    expect(out.Provider).toBe(
      `arn:aws:iam::${ACCOUNT.id}:oidc-provider/${issuer.issuer.replace('http://', '')}`,
    );
  });

  it('rejects a token for another audience', async () => {
    const err = await errorOf(assume(await fetchToken('https://github.com/octo-org')));
    // The SDK names modelled query errors after their shape; Code keeps the wire code.
    expect(err).toMatchObject({ name: 'InvalidIdentityTokenException', Code: 'InvalidIdentityToken' });
    expect(err.message).toBe('Incorrect token audience');
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });

  it('rejects a subject the trust policy does not allow', async () => {
    await control.setOidcClaims({ sub: 'repo:evil/x:ref:refs/heads/main' });
    const err = await errorOf(assume(await fetchToken()));
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(err.$metadata?.httpStatusCode).toBe(403);
  });

  it('rejects a role that does not exist like one that does not trust the subject', async () => {
    const err = await errorOf(
      assume(await fetchToken(), { RoleArn: `arn:aws:iam::${ACCOUNT.id}:role/nope` }),
    );
    expect(err.name).toBe('AccessDenied');
  });

  it('rejects an expired token', async () => {
    await control.setOidcClaims({ expiresIn: -60 });
    const err = await errorOf(assume(await fetchToken()));
    expect(err.name).toBe('ExpiredTokenException');
    expect(err.message).toMatch(
      /^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/,
    );
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });

  it('rejects a token signed by another key', async () => {
    const [header, payload] = (await fetchToken()).split('.') as [string, string];
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = `${header}.${payload}.${sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url')}`;
    const err = await errorOf(assume(forged));
    expect(err.name).toBe('InvalidIdentityTokenException');
  });

  it.each([
    [{ RoleSessionName: 'x' }, "Value 'x' at 'roleSessionName' failed to satisfy constraint"],
    [{ RoleSessionName: 'has space' }, 'Member must satisfy regular expression pattern'],
    [{ RoleSessionName: 'a'.repeat(65) }, 'Member must have length less than or equal to 64'],
    [{ DurationSeconds: 899 }, "Value '899' at 'durationSeconds'"],
    [{ DurationSeconds: 43201 }, 'Member must have value less than or equal to 43200'],
    [{ DurationSeconds: 7200 }, 'exceeds the MaxSessionDuration set for this role'],
  ])('validates %o', async (extra, message) => {
    const err = await errorOf(assume(await fetchToken(), extra));
    expect(err.name).toBe('ValidationError');
    expect(err.message).toContain(message);
  });

  it('answers throttling faults, then succeeds; a reset fault cuts the connection', async () => {
    await control.setFaults([
      { target: 'sts:AssumeRoleWithWebIdentity', count: 1, kind: 'status', status: 400, code: 'Throttling' },
    ]);
    const err = await errorOf(assume(await fetchToken()));
    expect(err.name).toBe('Throttling');
    await expect(assume(await fetchToken())).resolves.toBeDefined();

    await control.setFaults([{ target: 'sts:AssumeRoleWithWebIdentity', count: 1, kind: 'reset' }]);
    const reset = await errorOf(assume(await fetchToken()));
    expect(reset.message).toMatch(/socket hang up|ECONNRESET/);

    await control.setFaults([
      {
        target: 'sts:AssumeRoleWithWebIdentity',
        count: 1,
        kind: 'status',
        status: 400,
        code: 'IDPCommunicationError',
        message: 'IdP unreachable',
      },
    ]);
    expect((await errorOf(assume(await fetchToken()))).name).toBe('IDPCommunicationErrorException');

    const log = (await control.getLog()).filter((e) => e.service === 'sts');
    expect(log.map((e) => e.status)).toEqual([400, 200, 0, 400]);
  });
});

describe('STS GetCallerIdentity and request signing', () => {
  it('identifies the assumed role session', async () => {
    const client = new STSClient({
      endpoint: emulator.url,
      region: ACCOUNT.region,
      maxAttempts: 1,
      credentials: await assumedCredentials(),
    });
    const id = await client.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe(ACCOUNT.id);
    expect(id.Arn).toBe(`arn:aws:sts::${ACCOUNT.id}:assumed-role/gha-ecr-push/gha-run-1`);
    expect(id.UserId).toMatch(/^AROA[A-Z2-7]{17}:gha-run-1$/);
  });

  it('identifies the static keys of the default credential chain', async () => {
    const client = new STSClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: STATIC_KEYS,
    });
    const id = await client.send(new GetCallerIdentityCommand({}));
    expect(id).toMatchObject({ Account: STATIC_KEYS.account, Arn: STATIC_KEYS.arn });
  });

  it('rejects an unknown access key', async () => {
    const credentials = { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' };
    const client = new STSClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials,
    });
    const err = await errorOf(client.send(new GetCallerIdentityCommand({})));
    expect(err.name).toBe('InvalidClientTokenId');
    expect(err.message).toBe('The security token included in the request is invalid.');
    expect(err.$metadata?.httpStatusCode).toBe(403);

    const ecrErr = await errorOf(ecr(credentials).send(new GetAuthorizationTokenCommand({})));
    expect(ecrErr.name).toBe('UnrecognizedClientException');
  });

  it('rejects a wrong secret or a missing session token', async () => {
    const creds = await assumedCredentials();
    const badSecret = await errorOf(
      ecr({ ...creds, secretAccessKey: 'wrong' }).send(new GetAuthorizationTokenCommand({})),
    );
    expect(badSecret.name).toBe('InvalidSignatureException');
    const noToken = await errorOf(
      ecr({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }).send(
        new GetAuthorizationTokenCommand({}),
      ),
    );
    expect(noToken.name).toBe('UnrecognizedClientException');
  });
});

describe('ECR without images', () => {
  it('hands out a registry token for the caller account', async () => {
    const out = await ecr(await assumedCredentials()).send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData![0]!;
    expect(Buffer.from(data.authorizationToken!, 'base64').toString()).toBe(`AWS:${PASSWORD}`);
    expect(data.proxyEndpoint).toBe(`https://${ACCOUNT.host}`);
    const hours = (data.expiresAt!.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(11.9);
  });

  it('creates, describes and configures repositories', async () => {
    const client = ecr();
    const created = await client.send(
      new CreateRepositoryCommand({
        repositoryName: 'team/app',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest*' }],
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'KMS' },
        tags: [{ Key: 'team', Value: 'octo' }],
      }),
    );
    expect(created.repository).toMatchObject({
      repositoryName: 'team/app',
      registryId: ACCOUNT.id,
      repositoryUri: `${ACCOUNT.host}/team/app`,
      repositoryArn: `arn:aws:ecr:${ACCOUNT.region}:${ACCOUNT.id}:repository/team/app`,
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest*' }],
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'KMS' },
    });
    expect(created.repository?.createdAt).toBeInstanceOf(Date);
    expect(findRepository(ACCOUNT.host, 'team/app')).toMatchObject({ mutabilityExclusions: ['latest*'] });

    const again = await errorOf(client.send(new CreateRepositoryCommand({ repositoryName: 'team/app' })));
    expect(again.name).toBe('RepositoryAlreadyExistsException');

    const described = await client.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/app'] }));
    expect(described.repositories?.map((r) => r.repositoryName)).toEqual(['team/app']);

    await client.send(
      new PutImageTagMutabilityCommand({ repositoryName: 'team/app', imageTagMutability: 'IMMUTABLE' }),
    );
    expect(findRepository(ACCOUNT.host, 'team/app')?.imageTagMutability).toBe('IMMUTABLE');

    const noPolicy = await errorOf(
      client.send(new GetLifecyclePolicyCommand({ repositoryName: 'team/app' })),
    );
    expect(noPolicy.name).toBe('LifecyclePolicyNotFoundException');
    const policy = JSON.stringify({
      rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged' }, action: { type: 'expire' } }],
    });
    await client.send(
      new PutLifecyclePolicyCommand({ repositoryName: 'team/app', lifecyclePolicyText: policy }),
    );
    const got = await client.send(new GetLifecyclePolicyCommand({ repositoryName: 'team/app' }));
    expect(got.lifecyclePolicyText).toBe(policy);
    const badPolicy = await errorOf(
      client.send(new PutLifecyclePolicyCommand({ repositoryName: 'team/app', lifecyclePolicyText: 'nope' })),
    );
    expect(badPolicy.name).toBe('InvalidParameterException');

    expect((await control.repositories()).map((r) => r.name)).toEqual(['team/app']);
  });

  it('reports missing repositories and invalid names like ECR', async () => {
    const client = ecr();
    const missing = await errorOf(
      client.send(new DescribeRepositoriesCommand({ repositoryNames: ['ghost'] })),
    );
    expect(missing.name).toBe('RepositoryNotFoundException');
    expect(missing.message).toBe(
      `The repository with name 'ghost' does not exist in the registry with id '${ACCOUNT.id}'`,
    );
    expect(missing.$metadata?.httpStatusCode).toBe(400);
    const invalid = await errorOf(client.send(new CreateRepositoryCommand({ repositoryName: 'Upper/Case' })));
    expect(invalid.name).toBe('InvalidParameterException');
    const noFilters = await errorOf(
      client.send(
        new CreateRepositoryCommand({ repositoryName: 'x1', imageTagMutability: 'MUTABLE_WITH_EXCLUSION' }),
      ),
    );
    expect(noFilters.name).toBe('InvalidParameterException');
  });

  it('answers ECR faults with the configured error', async () => {
    await control.setFaults([{ target: 'ecr:GetAuthorizationToken', count: 2, kind: 'status', status: 500 }]);
    const client = ecr();
    for (let i = 0; i < 2; i++) {
      const err = await errorOf(client.send(new GetAuthorizationTokenCommand({})));
      expect(err.name).toBe('ServerException');
      expect(err.$metadata?.httpStatusCode).toBe(500);
    }
    await expect(client.send(new GetAuthorizationTokenCommand({}))).resolves.toBeDefined();

    await control.setFaults([{ target: 'ecr:DescribeRepositories', count: 1, kind: 'status', status: 400 }]);
    expect((await errorOf(client.send(new DescribeRepositoriesCommand({})))).name).toBe(
      'ThrottlingException',
    );

    await control.setFaults([
      { target: 'ecr:GetAuthorizationToken', count: 1, kind: 'latency', latencyMs: 300 },
    ]);
    const started = Date.now();
    await client.send(new GetAuthorizationTokenCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe('ECR Public', () => {
  it('hands out a token and creates repositories under the alias', async () => {
    const client = new ECRPUBLICClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: STATIC_KEYS,
    });
    const { authorizationData } = await client.send(new GetPublicTokenCommand({}));
    expect(Buffer.from(authorizationData!.authorizationToken!, 'base64').toString()).toBe(`AWS:${PASSWORD}`);
    const { repository } = await client.send(new CreatePublicRepositoryCommand({ repositoryName: 'tool' }));
    expect(repository?.repositoryUri).toBe('public.ecr.aws/octo-public/tool');
    expect(findRepository('public.ecr.aws', 'octo-public/tool')?.name).toBe('tool');
  });
});

describe('permission policies', () => {
  const PUSH_PULL_ROLE = 'arn:aws:iam::123456789012:role/gha-ecr-push-pull';
  const repoArn = (name: string) => `arn:aws:ecr:${ACCOUNT.region}:${ACCOUNT.id}:repository/${name}`;

  async function roleClient(roleArn: string) {
    const { Credentials } = await assume(await fetchToken(), { RoleArn: roleArn });
    return ecr({
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    });
  }

  /** Outcome of a call: 'allowed' (whatever the operation answered otherwise) or 'denied'. */
  async function outcome(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
      return 'allowed';
    } catch (err) {
      return (err as Error).name === 'AccessDeniedException' ? 'denied' : 'allowed';
    }
  }

  it.each([
    ['GetAuthorizationToken', () => new GetAuthorizationTokenCommand({}), 'allowed'],
    [
      'BatchGetImage',
      () => new BatchGetImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'x' }] }),
      'allowed',
    ],
    [
      'PutImage',
      () => new PutImageCommand({ repositoryName: 'app', imageManifest: '{}', imageTag: 'x' }),
      'allowed',
    ],
    ['DescribeRepositories', () => new DescribeRepositoriesCommand({ repositoryNames: ['app'] }), 'denied'],
    ['DescribeImages', () => new DescribeImagesCommand({ repositoryName: 'app' }), 'denied'],
    ['ListImages', () => new ListImagesCommand({ repositoryName: 'app' }), 'denied'],
    ['CreateRepository', () => new CreateRepositoryCommand({ repositoryName: 'app' }), 'denied'],
    [
      'StartImageScan',
      () => new StartImageScanCommand({ repositoryName: 'app', imageId: { imageTag: 'x' } }),
      'denied',
    ],
  ] as const)("amazon-ecr-login's push/pull role: %s is %s", async (_, command, expected) => {
    const client = await roleClient(PUSH_PULL_ROLE);
    expect(await outcome(client.send(command() as never))).toBe(expected);
  });

  it('a denial names the principal, the action and the resource, as AWS does', async () => {
    const err = await errorOf(
      (await roleClient(PUSH_PULL_ROLE)).send(new DescribeRepositoriesCommand({ repositoryNames: ['app'] })),
    );
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toBe(
      `User: arn:aws:sts::${ACCOUNT.id}:assumed-role/gha-ecr-push-pull/gha-run-1 is not authorized to perform: ` +
        `ecr:DescribeRepositories on resource: ${repoArn('app')} because no identity-based policy allows the ecr:DescribeRepositories action`,
    );
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });

  it('the default roles and the static keys may do everything', async () => {
    const client = await roleClient(ROLE.arn);
    expect(await outcome(client.send(new DescribeRepositoriesCommand({})))).toBe('allowed');
    expect(await outcome(ecr().send(new ListImagesCommand({ repositoryName: 'app' })))).toBe('allowed');
  });

  it('a policy set through the control API scopes a role to one repository; an explicit Deny wins', async () => {
    await control.setRolePolicy(ROLE.arn, [
      { actions: ['ecr:*'], resources: [repoArn('only-this')] },
      { effect: 'Deny', actions: ['ecr:List*'], resources: ['*'] },
    ]);
    const client = await roleClient(ROLE.arn);
    const describe = (name: string) =>
      client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    expect(await outcome(describe('only-this'))).toBe('allowed');
    expect(await outcome(describe('another'))).toBe('denied');
    const listed = await errorOf(client.send(new ListImagesCommand({ repositoryName: 'only-this' })));
    expect(listed.message).toContain('with an explicit deny in an identity-based policy');
    await control.reset();
    expect(await outcome(describe('another'))).toBe('allowed');
  });
});

describe('added latency', () => {
  it('the control API delays AWS calls by the set amount (registry and AWS by default), reset clears it', async () => {
    expect(await control.setLatency(150)).toEqual({ ms: 150, targets: ['registry', 'aws'] });
    const started = Date.now();
    await ecr().send(new GetAuthorizationTokenCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    await control.reset();
    expect(await control.setLatency(0, ['oidc'])).toEqual({ ms: 0, targets: ['oidc'] });
  });

  it('refuses a negative delay or an unknown target', async () => {
    await expect(control.setLatency(-1)).rejects.toThrow(/HTTP 400/);
    await expect(control.setLatency(5, ['dns' as never])).rejects.toThrow(/HTTP 400/);
  });
});
