import {
  ListImagesCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutImageCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Ecr, decodeToken, explainEcrError } from '../../src/aws/ecr.js';
import { mediaTypeOf } from '../../src/oci/manifest.js';
import { MEDIA_TYPES } from '../../src/oci/media-types.js';
import type { RepositoryState, StoredImage } from '../../src/types/registry.js';
import { resolveTarget } from '../../src/aws/registry-host.js';
import { EcrError } from '../../src/errors.js';
import { awsError, instantRetry, rejection as rejectionOf } from '../support/helpers.js';

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

  const rejection = (promise: Promise<unknown>) => rejectionOf<EcrError>(promise);

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

    it('an operation refused once is not asked again (the latest guard, then the moving-tag check)', async () => {
      ecrMock.on(ListImagesCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
      const client = ecr();
      const first = await rejection(client.allTags());
      const second = await rejection(client.tagDigests());
      expect(second).toBe(first);
      expect(ecrMock.commandCalls(ListImagesCommand)).toHaveLength(1);
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
      expect(await ecr().scanFindings(D1)).toEqual({ status: 'COMPLETE', counts: { HIGH: 2, LOW: 1 } });
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

  describe('Ecr.pushedImage: one BatchGetImage of the digest with each tag', () => {
    const MANIFEST = JSON.stringify({ schemaVersion: 2, layers: [] });
    const found = (imageTag?: string) => ({
      imageId: { imageDigest: D1, imageTag },
      imageManifest: MANIFEST,
      imageManifestMediaType: MEDIA_TYPES[2],
    });
    it.each([
      {
        name: 'every tag on the digest',
        tags: ['v1', 'latest'],
        answer: { images: [found('v1'), found('latest')] },
        ids: [
          { imageDigest: D1, imageTag: 'v1' },
          { imageDigest: D1, imageTag: 'latest' },
        ],
        unconfirmed: [],
        image: true,
      },
      {
        name: 'a tag on another image (ECR: ImageTagDoesNotMatchDigest)',
        tags: ['v1', 'latest'],
        answer: {
          images: [found('v1')],
          failures: [
            {
              imageId: { imageDigest: D1, imageTag: 'latest' },
              failureCode: 'ImageTagDoesNotMatchDigest' as const,
            },
          ],
        },
        ids: [
          { imageDigest: D1, imageTag: 'v1' },
          { imageDigest: D1, imageTag: 'latest' },
        ],
        unconfirmed: ['latest'],
        image: true,
      },
      {
        name: 'no tags (push by digest): the digest alone',
        tags: [],
        answer: { images: [found()] },
        ids: [{ imageDigest: D1 }],
        unconfirmed: [],
        image: true,
      },
      {
        name: 'nothing found',
        tags: ['v1'],
        answer: {
          images: [],
          failures: [{ imageId: { imageDigest: D1, imageTag: 'v1' }, failureCode: 'ImageNotFound' as const }],
        },
        ids: [{ imageDigest: D1, imageTag: 'v1' }],
        unconfirmed: ['v1'],
        image: false,
      },
    ])('$name', async ({ tags, answer, ids, unconfirmed, image }) => {
      ecrMock.on(BatchGetImageCommand).resolves(answer);
      const pushed = await ecr().pushedImage(D1, tags);
      expect(ecrMock.commandCalls(BatchGetImageCommand)).toHaveLength(1);
      expect(ecrMock.commandCalls(BatchGetImageCommand)[0]!.args[0].input.imageIds).toEqual(ids);
      expect(pushed.unconfirmed).toEqual(unconfirmed);
      expect(pushed.image).toEqual(
        image ? { digest: D1, manifest: MANIFEST, mediaType: MEDIA_TYPES[2] } : undefined,
      );
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
