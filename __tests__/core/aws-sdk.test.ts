import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutImageCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Ecr, decodeToken, explainEcrError } from '../../src/aws/ecr.js';
import { mediaTypeOf } from '../../src/oci/manifest.js';
import { MEDIA_TYPES } from '../../src/oci/media-types.js';
import type { RepositoryState, StoredImage } from '../../src/types/registry.js';
import { resolveTarget } from '../../src/aws/registry-host.js';
import {
  assumeRoleWithWebIdentity,
  defaultChainSession,
  renewingCredentials,
  type WebIdentityRequest,
} from '../../src/aws/session.js';
import { AuthError, EcrError } from '../../src/errors.js';
import { awsError, fakeJwt, instantRetry } from './helpers.js';

describe('aws/session', () => {
  const sts = mockClient(STSClient);
  const ROLE = 'arn:aws:iam::123456789012:role/gha-ecr-push';
  const SUB = 'repo:acme/app:ref:refs/heads/main';
  const CREDENTIALS = {
    AccessKeyId: 'ASIAEXAMPLEKEYID0001',
    SecretAccessKey: 'secret/AccessKey+Example0001',
    SessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN',
    Expiration: new Date('2030-01-01T00:00:00Z'),
  };
  const STS_OK = { Credentials: CREDENTIALS };

  /** A request whose token source hands out a new JWT per call and records every mask call, in order. */
  function request(overrides: Partial<WebIdentityRequest> = {}) {
    const events: string[] = [];
    const tokens: string[] = [];
    const masked: string[] = [];
    const req: WebIdentityRequest = {
      roleArn: ROLE,
      sessionName: 'GitHubActions-app-1-1',
      durationSeconds: 3600,
      region: 'eu-west-1',
      idToken: async () => {
        const token = fakeJwt({ sub: SUB, aud: 'sts.amazonaws.com', jti: `attempt-${tokens.length + 1}` });
        tokens.push(token);
        events.push(`token:${tokens.length}`);
        return token;
      },
      mask: (value) => {
        masked.push(value);
        events.push(`mask:${value}`);
      },
      log: (line) => events.push(`log:${line}`),
      retry: instantRetry(3),
      ...overrides,
    };
    return { req, events, tokens, masked };
  }

  async function rejection(promise: Promise<unknown>): Promise<AuthError> {
    try {
      await promise;
    } catch (error) {
      return error as AuthError;
    }
    throw new Error('expected a rejection');
  }

  beforeEach(() => {
    sts.reset();
  });

  describe('assumeRoleWithWebIdentity', () => {
    it('sends the role, session name, duration and token; masks token and credentials before returning', async () => {
      const { req, events, tokens, masked } = request();
      sts.on(AssumeRoleWithWebIdentityCommand).callsFake(() => {
        events.push('send');
        return {
          Credentials: CREDENTIALS,
          AssumedRoleUser: {
            Arn: 'arn:aws:sts::123456789012:assumed-role/gha-ecr-push/GitHubActions-app-1-1',
            AssumedRoleId: 'AROA:x',
          },
        };
      });
      const session = await assumeRoleWithWebIdentity(req);
      events.push('returned');

      const input = sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]!.args[0].input;
      expect(input).toEqual({
        RoleArn: ROLE,
        RoleSessionName: 'GitHubActions-app-1-1',
        DurationSeconds: 3600,
        WebIdentityToken: tokens[0],
      });
      const issued = {
        accessKeyId: CREDENTIALS.AccessKeyId,
        secretAccessKey: CREDENTIALS.SecretAccessKey,
        sessionToken: CREDENTIALS.SessionToken,
        expiration: CREDENTIALS.Expiration,
      };
      expect(typeof session.credentials).toBe('function');
      expect(await (session.credentials as () => Promise<unknown>)()).toEqual(issued);
      expect(session).toEqual({
        credentials: expect.any(Function),
        expire: expect.any(Function),
        issued,
        account: '123456789012',
        arn: 'arn:aws:sts::123456789012:assumed-role/gha-ecr-push/GitHubActions-app-1-1',
      });
      expect(masked).toEqual(
        expect.arrayContaining([
          tokens[0],
          CREDENTIALS.AccessKeyId,
          CREDENTIALS.SecretAccessKey,
          CREDENTIALS.SessionToken,
        ]),
      );
      // The token is masked before it is sent; every credential before the caller gets them.
      expect(events.indexOf(`mask:${tokens[0]}`)).toBeLessThan(events.indexOf('send'));
      for (const secret of [CREDENTIALS.AccessKeyId, CREDENTIALS.SecretAccessKey, CREDENTIALS.SessionToken]) {
        expect(events.indexOf(`mask:${secret}`)).toBeGreaterThan(events.indexOf('send'));
        expect(events.indexOf(`mask:${secret}`)).toBeLessThan(events.indexOf('returned'));
      }
    });

    it('without AssumedRoleUser the account comes from the role ARN', async () => {
      const { req } = request();
      sts.on(AssumeRoleWithWebIdentityCommand).resolves({ Credentials: CREDENTIALS });
      const session = await assumeRoleWithWebIdentity(req);
      expect(session.account).toBe('123456789012');
      expect(session.arn).toBe(ROLE);
    });

    it('an answer without credentials is an AuthError', async () => {
      const { req } = request();
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .resolves({ Credentials: { ...CREDENTIALS, SessionToken: undefined } });
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe('StsNoCredentials');
    });

    it('AccessDenied: names the role and the sub/aud claims, never the token, and does not retry', async () => {
      const { req, tokens } = request();
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .rejects(awsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403));
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe('StsAccessDenied');
      const text = err.describe();
      expect(text).toContain(ROLE);
      expect(text).toContain(`sub=${JSON.stringify(SUB)}`);
      expect(text).toContain('aud="sts.amazonaws.com"');
      expect(err.hint).toContain('trust policy');
      expect(tokens).toHaveLength(1);
      for (const part of [tokens[0]!, ...tokens[0]!.split('.')]) expect(text).not.toContain(part);
      expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(1);
    });

    it('AccessDenied with a token that is not a JWT: placeholders, still no token', async () => {
      const { req } = request({ idToken: async () => 'opaque-token-value' });
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(awsError('AccessDenied', 'denied', 403));
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err.message).toContain('sub="?"');
      expect(err.describe()).not.toContain('opaque-token-value');
    });

    // STS error → code, hint pattern
    const rows: [string, string, string, RegExp][] = [
      ['InvalidIdentityToken', 'Incorrect token audience', 'StsInvalidIdentityToken', /`audience` input/],
      [
        'InvalidIdentityToken',
        'No OpenIDConnect provider found in your account',
        'StsInvalidIdentityToken',
        /OIDC identity provider/,
      ],
      [
        'ExpiredTokenException',
        'Token expired: current date/time 1 must be before the expiration date/time 0',
        'StsExpiredToken',
        /clock/,
      ],
      [
        'ValidationError',
        "1 validation error detected: Value at 'roleSessionName'",
        'StsValidation',
        /role-session-name/,
      ],
    ];
    it.each(rows)('%s (%s) → %s', async (name, message, code, hint) => {
      const { req, tokens } = request();
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(awsError(name, message));
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe(code);
      expect(err.hint).toMatch(hint);
      expect(err.describe()).not.toContain(tokens[0]!);
      expect(tokens).toHaveLength(1);
    });

    it('InvalidIdentityToken audience: the hint is about the audience, the message names the role and claims', async () => {
      const { req } = request();
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .rejects(awsError('InvalidIdentityToken', 'Incorrect token audience'));
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err.message).toContain(ROLE);
      expect(err.message).toContain('aud="sts.amazonaws.com"');
      expect(err.hint).toContain('sts.amazonaws.com');
    });

    it('Throttling is retried with a fresh token per attempt', async () => {
      const { req, tokens, masked } = request();
      const retry = instantRetry(3);
      req.retry = retry;
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
        .rejectsOnce(
          awsError('IDPCommunicationError', "Couldn't retrieve verification key from your identity provider"),
        )
        .resolves({ Credentials: CREDENTIALS });
      const session = await assumeRoleWithWebIdentity(req);
      expect(session.issued?.accessKeyId).toBe(CREDENTIALS.AccessKeyId);
      const sent = sts
        .commandCalls(AssumeRoleWithWebIdentityCommand)
        .map((c) => c.args[0].input.WebIdentityToken);
      expect(sent).toEqual(tokens);
      expect(new Set(sent).size).toBe(3);
      for (const token of tokens) expect(masked).toContain(token);
      expect(retry.lines).toHaveLength(2);
      expect(retry.lines[0]).toContain('sts:AssumeRoleWithWebIdentity failed (attempt 1/3)');
    });

    it('Throttling on every attempt: explained after maxAttempts, naming the operation and the attempts', async () => {
      const { req, tokens } = request();
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(awsError('Throttling', 'Rate exceeded'));
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe('Throttled');
      expect(err.message).toMatch(/^sts:AssumeRoleWithWebIdentity failed after 3 attempts: AWS throttled/);
      expect(err.hint).toContain('retry-budget-seconds');
      expect(tokens).toHaveLength(3);
    });

    it('"Couldn\'t retrieve verification key" is transient: retried with a fresh token, no blame on the OIDC provider', async () => {
      const { req, tokens } = request();
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .rejectsOnce(
          awsError(
            'InvalidIdentityToken',
            "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements",
          ),
        )
        .resolves(STS_OK);
      await assumeRoleWithWebIdentity(req);
      expect(tokens).toHaveLength(2);
      expect(new Set(tokens).size).toBe(2);
    });

    it('verification key trouble on every attempt: the hint says re-run, not "create the provider"', async () => {
      const { req } = request();
      sts
        .on(AssumeRoleWithWebIdentityCommand)
        .rejects(
          awsError('InvalidIdentityToken', "Couldn't retrieve verification key from your identity provider"),
        );
      const err = await rejection(assumeRoleWithWebIdentity(req));
      expect(err.hint).toMatch(/Re-run the job later/);
      expect(err.hint).not.toMatch(/exists in the role's account/);
    });
  });

  describe('defaultChainSession', () => {
    it('returns the caller account and ARN', async () => {
      sts
        .on(GetCallerIdentityCommand)
        .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/ci' });
      expect(await defaultChainSession('eu-west-1', instantRetry())).toEqual({
        account: '123456789012',
        arn: 'arn:aws:iam::123456789012:user/ci',
      });
    });

    it('no credentials anywhere: the error names role-to-assume and id-token: write, not the SDK message', async () => {
      sts.on(GetCallerIdentityCommand).rejects(
        Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        }),
      );
      const err = await rejection(defaultChainSession('eu-west-1', instantRetry()));
      expect(err).toBeInstanceOf(AuthError);
      expect(err.code).toBe('NoCredentials');
      expect(err.message).not.toContain('Could not load credentials');
      expect(err.hint).toContain('id-token: write');
    });
  });
});

describe('aws/ecr', () => {
  const ecrMock = mockClient(ECRClient);
  const TARGET = resolveTarget('123456789012', 'my-app', 'eu-west-1', '999999999999');
  const SESSION = {
    account: '123456789012',
    arn: 'arn:aws:sts::123456789012:assumed-role/r/s',
    credentials: { accessKeyId: 'AKIA', secretAccessKey: 'x', sessionToken: 'y' },
  };
  const D1 = `sha256:${'1'.repeat(64)}`;
  const D2 = `sha256:${'2'.repeat(64)}`;
  const OCI_MANIFEST = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES[2],
    config: {},
    layers: [],
  });
  const OCI_INDEX = JSON.stringify({ schemaVersion: 2, manifests: [] });

  function ecr(retry = instantRetry()) {
    return new Ecr(TARGET, SESSION, retry);
  }

  async function rejection(promise: Promise<unknown>): Promise<EcrError> {
    try {
      await promise;
    } catch (error) {
      return error as EcrError;
    }
    throw new Error('expected a rejection');
  }

  beforeEach(() => {
    ecrMock.reset();
  });

  describe('Ecr.login', () => {
    it('decodes AWS:<password> and masks the token and the password before returning', async () => {
      const password = 'eyJwYXlsb2FkIjoiZXhhbXBsZSJ9:with:colons';
      const token = Buffer.from(`AWS:${password}`).toString('base64');
      const expiresAt = new Date('2030-01-01T12:00:00Z');
      ecrMock.on(GetAuthorizationTokenCommand).resolves({
        authorizationData: [
          { authorizationToken: token, expiresAt, proxyEndpoint: `https://${TARGET.host}` },
        ],
      });
      const masked: string[] = [];
      const login = await ecr().login((v) => masked.push(v));
      expect(login).toEqual({ username: 'AWS', password });
      expect(masked).toEqual([token, password]);
      // One call, and no deprecated registryIds.
      expect(ecrMock.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(1);
      expect(ecrMock.commandCalls(GetAuthorizationTokenCommand)[0]!.args[0].input).toEqual({});
    });

    it('no token in the answer → EcrError', async () => {
      ecrMock.on(GetAuthorizationTokenCommand).resolves({ authorizationData: [] });
      const err = await rejection(ecr().login(() => {}));
      expect(err).toBeInstanceOf(EcrError);
      expect(err.code).toBe('EcrNoToken');
    });

    it('AccessDenied names ecr:GetAuthorizationToken', async () => {
      ecrMock
        .on(GetAuthorizationTokenCommand)
        .rejects(awsError('AccessDeniedException', 'User is not authorized'));
      const err = await rejection(ecr().login(() => {}));
      expect(err.code).toBe('EcrAccessDenied');
      expect(err.hint).toContain('`ecr:GetAuthorizationToken`');
    });
  });

  describe('decodeToken', () => {
    const rows: [string, string, { username: string; password: string } | 'error'][] = [
      ['plain', Buffer.from('AWS:pw').toString('base64'), { username: 'AWS', password: 'pw' }],
      [
        'colon in password',
        Buffer.from('AWS:a:b:c').toString('base64'),
        { username: 'AWS', password: 'a:b:c' },
      ],
      ['empty password', Buffer.from('AWS:').toString('base64'), { username: 'AWS', password: '' }],
      ['no colon', Buffer.from('AWSpw').toString('base64'), 'error'],
    ];
    it.each(rows)('%s', (_name, token, expected) => {
      const masked: string[] = [];
      if (expected === 'error') {
        expect(() => decodeToken(token, (v) => masked.push(v))).toThrow(EcrError);
        return;
      }
      expect(decodeToken(token, (v) => masked.push(v))).toEqual({ ...expected, expiresAt: undefined });
      expect(masked).toEqual([expected.password]);
    });
  });

  describe('Ecr.repository', () => {
    it('maps the repository settings', async () => {
      ecrMock.on(DescribeRepositoriesCommand).resolves({
        repositories: [
          {
            repositoryName: 'my-app',
            imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
            imageTagMutabilityExclusionFilters: [
              { filter: 'latest', filterType: 'WILDCARD' },
              // A filter entry without its text (the SDK types say it cannot happen; the code drops it).
              { filterType: 'WILDCARD' } as { filter: string; filterType: 'WILDCARD' },
            ],
            imageScanningConfiguration: { scanOnPush: true },
          },
        ],
      });
      expect(await ecr().repository()).toEqual({
        tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        mutabilityExclusions: ['latest'],
        scanOnPush: true,
      });
      expect(ecrMock.commandCalls(DescribeRepositoriesCommand)[0]!.args[0].input).toEqual({
        registryId: '123456789012',
        repositoryNames: ['my-app'],
      });
    });

    it('defaults: MUTABLE, no exclusions, no scan on push', async () => {
      ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'my-app' }] });
      expect(await ecr().repository()).toEqual({
        tagMutability: 'MUTABLE',
        mutabilityExclusions: [],
        scanOnPush: false,
      });
    });

    it('RepositoryNotFoundException → undefined', async () => {
      ecrMock
        .on(DescribeRepositoriesCommand)
        .rejects(awsError('RepositoryNotFoundException', "The repository with name 'my-app' does not exist"));
      expect(await ecr().repository()).toBeUndefined();
      expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(1);
    });

    it('AccessDenied → EcrError naming ecr:DescribeRepositories', async () => {
      ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
      const err = await rejection(ecr().repository());
      expect(err.code).toBe('EcrAccessDenied');
      expect(err.message).toContain('ecr:DescribeRepositories');
    });
  });

  describe('Ecr.imagesByTag', () => {
    it('maps found images by tag and ignores failures', async () => {
      ecrMock.on(BatchGetImageCommand).resolves({
        images: [
          {
            imageId: { imageTag: 'v1', imageDigest: D1 },
            imageManifest: OCI_MANIFEST,
            imageManifestMediaType: MEDIA_TYPES[2],
          },
          { imageId: { imageTag: 'latest', imageDigest: D2 }, imageManifest: OCI_INDEX },
          { imageId: { imageTag: 'no-manifest', imageDigest: D2 } },
        ],
        failures: [
          {
            imageId: { imageTag: 'v2' },
            failureCode: 'ImageTagDoesNotMatchDigest',
            failureReason: 'Requested image not found',
          },
        ],
      });
      const found = await ecr().imagesByTag(['v1', 'latest', 'v2', 'no-manifest']);
      expect([...found.entries()]).toEqual([
        ['v1', { digest: D1, manifest: OCI_MANIFEST, mediaType: MEDIA_TYPES[2] }],
        ['latest', { digest: D2, manifest: OCI_INDEX, mediaType: MEDIA_TYPES[0] }],
      ]);
      const input = ecrMock.commandCalls(BatchGetImageCommand)[0]!.args[0].input;
      expect(input.imageIds).toEqual([
        { imageTag: 'v1' },
        { imageTag: 'latest' },
        { imageTag: 'v2' },
        { imageTag: 'no-manifest' },
      ]);
      expect(input.acceptedMediaTypes).toEqual(MEDIA_TYPES);
      expect(input.repositoryName).toBe('my-app');
    });

    it('no tags → no call', async () => {
      expect((await ecr().imagesByTag([])).size).toBe(0);
      expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(0);
    });

    it('missing repository → EcrError with the create-repository command', async () => {
      ecrMock.on(BatchGetImageCommand).rejects(awsError('RepositoryNotFoundException', 'no such repository'));
      const err = await rejection(ecr().imagesByTag(['v1']));
      expect(err.code).toBe('RepositoryNotFound');
      expect(err.hint).toContain('aws ecr create-repository --repository-name my-app');
    });
  });

  describe('Ecr.putTag', () => {
    const IMAGE: StoredImage = { digest: D1, manifest: OCI_MANIFEST, mediaType: MEDIA_TYPES[2]! };

    it('sends the stored manifest, media type, digest and the new tag', async () => {
      ecrMock.on(PutImageCommand).resolves({});
      await ecr().putTag(IMAGE, 'v1.2.3');
      expect(ecrMock.commandCalls(PutImageCommand)[0]!.args[0].input).toEqual({
        registryId: '123456789012',
        repositoryName: 'my-app',
        imageManifest: OCI_MANIFEST,
        imageManifestMediaType: MEDIA_TYPES[2],
        imageDigest: D1,
        imageTag: 'v1.2.3',
      });
    });

    it('ImageAlreadyExistsException is success', async () => {
      ecrMock
        .on(PutImageCommand)
        .rejects(awsError('ImageAlreadyExistsException', 'Image with digest and tag already exists'));
      await expect(ecr().putTag(IMAGE, 'v1')).resolves.toBeUndefined();
      expect(ecrMock.commandCalls(PutImageCommand)).toHaveLength(1);
    });

    it('ImageTagAlreadyExistsException (immutable) on another digest → ImmutableTagConflict, not retried', async () => {
      ecrMock
        .on(PutImageCommand)
        .rejects(awsError('ImageTagAlreadyExistsException', "The image tag 'v1' already exists"));
      ecrMock.on(BatchGetImageCommand).resolves({
        images: [{ imageId: { imageTag: 'v1', imageDigest: D2 }, imageManifest: OCI_MANIFEST }],
      });
      const err = await rejection(ecr().putTag(IMAGE, 'v1'));
      expect(err.code).toBe('ImmutableTagConflict');
      expect(err.hint).toContain('on-immutable-conflict: skip');
      expect(ecrMock.commandCalls(PutImageCommand)).toHaveLength(1);
      // The tag was looked up once, by tag, before the conflict was reported.
      expect(ecrMock.commandCalls(BatchGetImageCommand)[0]!.args[0].input.imageIds).toEqual([
        { imageTag: 'v1' },
      ]);
    });

    it('ImageTagAlreadyExistsException when the tag already names this digest is success', async () => {
      // A PutImage whose answer was lost, retried on an IMMUTABLE repository.
      ecrMock
        .on(PutImageCommand)
        .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
        .rejects(awsError('ImageTagAlreadyExistsException', "The image tag 'v1' already exists"));
      ecrMock.on(BatchGetImageCommand).resolves({
        images: [{ imageId: { imageTag: 'v1', imageDigest: D1 }, imageManifest: OCI_MANIFEST }],
      });
      await expect(ecr().putTag(IMAGE, 'v1')).resolves.toBeUndefined();
      expect(ecrMock.commandCalls(PutImageCommand)).toHaveLength(2);
      expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(1);
    });

    it('ImageTagAlreadyExistsException and the tag cannot be read → the conflict, not the lookup error', async () => {
      ecrMock
        .on(PutImageCommand)
        .rejects(awsError('ImageTagAlreadyExistsException', "The image tag 'v1' already exists"));
      ecrMock.on(BatchGetImageCommand).rejects(awsError('AccessDeniedException', 'no BatchGetImage'));
      const err = await rejection(ecr().putTag(IMAGE, 'v1'));
      expect(err.code).toBe('ImmutableTagConflict');
    });

    it('throttling is retried', async () => {
      ecrMock.on(PutImageCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).resolves({});
      await ecr().putTag(IMAGE, 'v1');
      expect(ecrMock.commandCalls(PutImageCommand)).toHaveLength(2);
    });
  });

  describe('Ecr.createRepository', () => {
    const settings = {
      create: true,
      tagMutability: 'IMMUTABLE' as const,
      mutabilityExclusions: [],
      scanOnPush: true,
      encryption: 'AES256' as const,
      repositoryTags: [{ key: 'team', value: 'platform' }],
      lifecyclePolicy: '{"rules":[]}',
      updateSettings: false,
    };

    it('creates with the settings, then applies the lifecycle policy', async () => {
      ecrMock.on(CreateRepositoryCommand).resolves({
        repository: { imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } },
      });
      ecrMock.on(PutLifecyclePolicyCommand).resolves({});
      const state = await ecr().createRepository(settings);
      expect(state).toEqual({ tagMutability: 'IMMUTABLE', mutabilityExclusions: [], scanOnPush: true });
      const input = ecrMock.commandCalls(CreateRepositoryCommand)[0]!.args[0].input;
      expect(input).toMatchObject({
        registryId: '123456789012',
        repositoryName: 'my-app',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        tags: [{ Key: 'team', Value: 'platform' }],
      });
      expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(0);
      expect(ecrMock.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(1);
    });

    it('RepositoryAlreadyExistsException (a parallel job won the race) → the existing repository, policy still applied', async () => {
      ecrMock
        .on(CreateRepositoryCommand)
        .rejects(
          awsError('RepositoryAlreadyExistsException', "The repository with name 'my-app' already exists"),
        );
      ecrMock.on(DescribeRepositoriesCommand).resolves({
        repositories: [{ repositoryName: 'my-app', imageTagMutability: 'MUTABLE' }],
      });
      ecrMock.on(PutLifecyclePolicyCommand).resolves({});
      const state = await ecr().createRepository(settings);
      // The repository's own settings, not the ones asked for.
      expect(state).toEqual({ tagMutability: 'MUTABLE', mutabilityExclusions: [], scanOnPush: false });
      expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(1);
      expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(1);
      expect(ecrMock.commandCalls(PutLifecyclePolicyCommand)[0]!.args[0].input.lifecyclePolicyText).toBe(
        '{"rules":[]}',
      );
    });

    it('a retried CreateRepository whose first answer was lost succeeds', async () => {
      ecrMock
        .on(CreateRepositoryCommand)
        .rejectsOnce(awsError('InternalServerException', 'oops', 500))
        .rejects(awsError('RepositoryAlreadyExistsException', 'already exists'));
      ecrMock.on(DescribeRepositoriesCommand).resolves({
        repositories: [{ repositoryName: 'my-app', imageTagMutability: 'IMMUTABLE' }],
      });
      const state = await ecr().createRepository({ ...settings, lifecyclePolicy: undefined });
      expect(state.tagMutability).toBe('IMMUTABLE');
      expect(ecrMock.commandCalls(CreateRepositoryCommand)).toHaveLength(2);
      expect(ecrMock.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(0);
    });

    it('already exists, then gone when described → EcrError', async () => {
      ecrMock.on(CreateRepositoryCommand).rejects(awsError('RepositoryAlreadyExistsException'));
      ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException'));
      const err = await rejection(ecr().createRepository(settings));
      expect(err).toBeInstanceOf(EcrError);
      expect(err.code).toBe('RepositoryVanished');
    });

    it('AccessDenied names ecr:CreateRepository', async () => {
      ecrMock.on(CreateRepositoryCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
      const err = await rejection(ecr().createRepository(settings));
      expect(err.code).toBe('EcrAccessDenied');
      expect(err.hint).toContain('`ecr:CreateRepository`');
    });
  });

  describe('an expired session', () => {
    it('ExpiredTokenException: the session renews and the call is made again', async () => {
      let expired = 0;
      const session = { ...SESSION, expire: () => void expired++ };
      ecrMock
        .on(DescribeRepositoriesCommand)
        .rejectsOnce(
          awsError('ExpiredTokenException', 'The security token included in the request is expired'),
        )
        .resolves({ repositories: [{ imageTagMutability: 'MUTABLE' }] });
      const state = await new Ecr(TARGET, session, instantRetry()).repository();
      expect(state?.tagMutability).toBe('MUTABLE');
      expect(expired).toBe(1);
      expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(2);
    });

    it('without a renewable session (default chain) it fails at once, explained', async () => {
      ecrMock.on(DescribeRepositoriesCommand).rejects(awsError('ExpiredTokenException', 'expired'));
      const err = await rejection(ecr().repository());
      expect(err.code).toBe('SessionExpired');
      expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(1);
    });
  });

  describe('Ecr.startScan', () => {
    it('starts a scan of the digest', async () => {
      ecrMock.on(StartImageScanCommand).resolves({});
      await ecr().startScan(D1);
      expect(ecrMock.commandCalls(StartImageScanCommand)[0]!.args[0].input).toEqual({
        registryId: '123456789012',
        repositoryName: 'my-app',
        imageId: { imageDigest: D1 },
      });
    });

    it('LimitExceededException (one scan per image per day): a scan exists, resolves', async () => {
      ecrMock
        .on(StartImageScanCommand)
        .rejects(awsError('LimitExceededException', 'The scan quota per image has been exceeded.'));
      await expect(ecr().startScan(D1)).resolves.toBeUndefined();
      expect(ecrMock.commandCalls(StartImageScanCommand)).toHaveLength(1);
    });

    it('is not retried: StartImageScan is not idempotent', async () => {
      ecrMock.on(StartImageScanCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
      const retry = instantRetry(5);
      const err = await rejection(ecr(retry).startScan(D1));
      expect(err.code).toBe('Throttled');
      expect(err.message).toMatch(/^ecr:StartImageScan failed: AWS throttled/);
      expect(ecrMock.commandCalls(StartImageScanCommand)).toHaveLength(1);
      expect(retry.lines).toEqual([]);
    });

    it('AccessDenied names ecr:StartImageScan', async () => {
      ecrMock.on(StartImageScanCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
      const err = await rejection(ecr().startScan(D1));
      expect(err.code).toBe('EcrAccessDenied');
      expect(err.hint).toContain('`ecr:StartImageScan`');
    });
  });

  describe('Ecr.scanFindings', () => {
    it('status and severity counts', async () => {
      ecrMock.on(DescribeImageScanFindingsCommand).resolves({
        imageScanStatus: { status: 'COMPLETE', description: 'done' },
        imageScanFindings: { findingSeverityCounts: { HIGH: 2, LOW: 1 } },
      });
      expect(await ecr().scanFindings(D1)).toEqual({
        status: 'COMPLETE',
        description: 'done',
        counts: { HIGH: 2, LOW: 1 },
      });
    });

    it('ScanNotFoundException → undefined, not retried', async () => {
      ecrMock.on(DescribeImageScanFindingsCommand).rejects(awsError('ScanNotFoundException', 'no scan'));
      expect(await ecr().scanFindings(D1)).toBeUndefined();
      expect(ecrMock.commandCalls(DescribeImageScanFindingsCommand)).toHaveLength(1);
    });

    it('throttling is retried; other errors are explained', async () => {
      ecrMock
        .on(DescribeImageScanFindingsCommand)
        .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
        .rejects(awsError('AccessDeniedException', 'not authorized'));
      const err = await rejection(ecr().scanFindings(D1));
      expect(err.code).toBe('EcrAccessDenied');
      expect(ecrMock.commandCalls(DescribeImageScanFindingsCommand)).toHaveLength(2);
    });
  });

  describe('Ecr.updateRepository applies only what the user set', () => {
    const current: RepositoryState = {
      tagMutability: 'IMMUTABLE',
      mutabilityExclusions: [],
      scanOnPush: true,
    };
    const settings = {
      create: false,
      tagMutability: 'MUTABLE' as const,
      mutabilityExclusions: [],
      scanOnPush: false,
      encryption: 'AES256' as const,
      repositoryTags: [],
      lifecyclePolicy: '{"rules":[]}',
      updateSettings: true,
    };
    type Apply = { mutability: boolean; scanOnPush: boolean };
    const cases: [string, Apply, { mutability: number; scanning: number; state: object }][] = [
      [
        'only a lifecycle policy',
        { mutability: false, scanOnPush: false },
        { mutability: 0, scanning: 0, state: current },
      ],
      [
        'mutability given',
        { mutability: true, scanOnPush: false },
        { mutability: 1, scanning: 0, state: { ...current, tagMutability: 'MUTABLE' } },
      ],
      [
        'scan-on-push given',
        { mutability: false, scanOnPush: true },
        { mutability: 0, scanning: 1, state: { ...current, scanOnPush: false } },
      ],
    ];
    it.each(cases)('%s', async (_name, apply, expected) => {
      ecrMock.on(PutImageTagMutabilityCommand).resolves({});
      ecrMock.on(PutImageScanningConfigurationCommand).resolves({});
      ecrMock.on(PutLifecyclePolicyCommand).resolves({});
      const state = await ecr().updateRepository(current, settings, apply);
      expect(ecrMock.commandCalls(PutImageTagMutabilityCommand)).toHaveLength(expected.mutability);
      expect(ecrMock.commandCalls(PutImageScanningConfigurationCommand)).toHaveLength(expected.scanning);
      expect(ecrMock.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(1);
      expect(state).toEqual(expected.state);
    });
  });

  describe('Ecr.describe', () => {
    it('tags, size and push time of a digest', async () => {
      const pushedAt = new Date('2024-05-01T00:00:00Z');
      ecrMock.on(DescribeImagesCommand).resolves({
        imageDetails: [
          { imageDigest: D1, imageTags: ['v1', 'latest'], imageSizeInBytes: 1234, imagePushedAt: pushedAt },
        ],
      });
      expect(await ecr().describe(D1)).toEqual({ tags: ['v1', 'latest'], sizeBytes: 1234, pushedAt });
    });
  });

  describe('mediaTypeOf', () => {
    const rows: [string, string, string][] = [
      ['explicit media type', JSON.stringify({ mediaType: MEDIA_TYPES[3] }), MEDIA_TYPES[3]!],
      ['index without media type', OCI_INDEX, MEDIA_TYPES[0]!],
      ['manifest without media type', JSON.stringify({ schemaVersion: 2, layers: [] }), MEDIA_TYPES[2]!],
      ['not JSON', 'garbage', MEDIA_TYPES[2]!],
    ];
    it.each(rows)('%s', (_name, manifest, expected) => {
      expect(mediaTypeOf(manifest)).toBe(expected);
    });
  });

  describe('explainEcrError', () => {
    // error name, operation → code, text that must appear in message+hint
    const rows: [string, string, string, string[]][] = [
      [
        'RepositoryNotFoundException',
        'DescribeImages',
        'RepositoryNotFound',
        [
          "Repository 'my-app' does not exist",
          'create-repository: true',
          'aws ecr create-repository --repository-name my-app --region eu-west-1 --registry-id 123456789012',
        ],
      ],
      [
        'AccessDeniedException',
        'PutImage',
        'EcrAccessDenied',
        ['ecr:PutImage', TARGET.uri, '`ecr:PutImage`'],
      ],
      ['AccessDeniedException', 'BatchGetImage', 'EcrAccessDenied', ['`ecr:BatchGetImage`']],
      ['AccessDenied', 'CreateRepository', 'EcrAccessDenied', ['`ecr:CreateRepository`']],
      ['ImageTagAlreadyExistsException', 'PutImage', 'ImmutableTagConflict', ['IMMUTABLE']],
    ];
    it.each(rows)('%s on %s → %s', (name, operation, code, texts) => {
      const err = explainEcrError(awsError(name, `${name} from AWS`), operation, TARGET) as EcrError;
      expect(err).toBeInstanceOf(EcrError);
      expect(err.code).toBe(code);
      for (const text of texts) expect(err.describe()).toContain(text);
    });

    it('an error that is no AWS answer (a bug) passes through unchanged', () => {
      const original = new TypeError('x is undefined');
      expect(explainEcrError(original, 'PutImage', TARGET)).toBe(original);
    });

    it('public target: the command has no --registry-id', () => {
      const pub = resolveTarget('public.ecr.aws/acme', 'my-app', 'eu-west-1', '1');
      const err = explainEcrError(awsError('RepositoryNotFoundException'), 'DescribeImages', pub) as EcrError;
      expect(err.hint).toContain('--region us-east-1');
      expect(err.hint).not.toContain('--registry-id');
    });
  });
});

describe('aws/session renewingCredentials', () => {
  const at = (ms: number) => new Date(ms);
  const creds = (id: string, expiresAt?: number) => ({
    accessKeyId: id,
    secretAccessKey: 's',
    expiration: expiresAt === undefined ? undefined : at(expiresAt),
  });

  it('renews when less than a quarter of the lifetime is left, once for concurrent callers', async () => {
    let now = 0;
    let renewals = 0;
    const { credentials } = renewingCredentials(
      creds('first', 4000),
      async () => creds(`fresh-${++renewals}`, now + 4000),
      () => now,
    );
    const get = credentials as () => Promise<{ accessKeyId: string }>;
    now = 2999;
    expect((await get()).accessKeyId).toBe('first');
    now = 3001;
    const both = await Promise.all([get(), get()]);
    expect(both.map((c) => c.accessKeyId)).toEqual(['fresh-1', 'fresh-1']);
    expect(renewals).toBe(1);
    expect((await get()).accessKeyId).toBe('fresh-1');
  });

  it('an hour-long session renews 5 minutes before it expires', async () => {
    let now = 0;
    const hour = 3_600_000;
    const { credentials } = renewingCredentials(
      creds('first', hour),
      async () => creds('fresh', 2 * hour),
      () => now,
    );
    const get = credentials as () => Promise<{ accessKeyId: string }>;
    now = hour - 300_001;
    expect((await get()).accessKeyId).toBe('first');
    now = hour - 299_999;
    expect((await get()).accessKeyId).toBe('fresh');
  });

  it('expire() makes the next call renew; no expiration never renews on its own', async () => {
    const { credentials, expire } = renewingCredentials(creds('first'), async () =>
      creds('fresh', Date.now() + 3_600_000),
    );
    const get = credentials as () => Promise<{ accessKeyId: string }>;
    expect((await get()).accessKeyId).toBe('first');
    expire!();
    expect((await get()).accessKeyId).toBe('fresh');
  });
});
