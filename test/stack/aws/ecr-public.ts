/**
 * ECR Public (JSON 1.1, target prefix SpencerFrontendService): one public registry, owned by the
 * first account under topology's alias, whoever calls; images in the public docker-registry backend.
 */
import { type RepoRecord, createRepository, findRepository, listRepositories } from '../state.js';
import { ACCOUNTS, PUBLIC_ALIAS, PUBLIC_HOST } from '../topology.js';
import { type ImageId, type RepositoryImages, formatImageId } from './images.js';
import { type EcrContext, REPOSITORY_NAME, TOKEN_HOURS, putImage } from './ecr.js';
import { AwsError, epochSeconds } from './protocol.js';

export const ECR_PUBLIC_TARGET_PREFIX = 'SpencerFrontendService.';

type Input = Record<string, unknown>;

const REGISTRY_ID = ACCOUNTS[0]!.id;

function repositoryName(input: Input): string {
  const name = input.repositoryName;
  if (typeof name !== 'string') {
    throw new AwsError(
      'InvalidParameterException',
      "1 validation error detected: Value null at 'repositoryName' failed to satisfy constraint: Member must not be null",
    );
  }
  return name;
}

function repositoryOf(input: Input): RepoRecord {
  const name = repositoryName(input);
  const repo = findRepository(PUBLIC_HOST, name);
  if (!repo) {
    throw new AwsError(
      'RepositoryNotFoundException',
      `The repository with name '${name}' does not exist in the registry with id '${REGISTRY_ID}'`,
    );
  }
  return repo;
}

const serializeRepository = (repo: RepoRecord) => ({
  repositoryArn: repo.arn,
  registryId: repo.registryId,
  repositoryName: repo.name,
  repositoryUri: repo.uri,
  createdAt: epochSeconds(repo.createdAt),
});

async function imageDetails(repo: RepoRecord, ids: ImageId[] | undefined, images: RepositoryImages) {
  const wanted = ids
    ? await Promise.all(
        ids.map(async (id) => {
          const resolved = await images.resolve(id);
          if (!resolved) {
            throw new AwsError(
              'ImageNotFoundException',
              `The image with imageId ${formatImageId(id)} does not exist within the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
            );
          }
          return { digest: resolved.digest, tags: await images.tagsOf(resolved.digest) };
        }),
      )
    : await images.list();
  const details = [];
  for (const { digest, tags } of wanted) {
    const detail = await images.detail(digest, tags);
    if (detail) details.push(detail);
  }
  return details;
}

export async function ecrPublicOperation(
  operation: string,
  input: Input,
  ctx: Pick<EcrContext, 'registryPassword' | 'images'>,
): Promise<unknown> {
  switch (operation) {
    case 'GetAuthorizationToken':
      return {
        authorizationData: {
          authorizationToken: Buffer.from(`AWS:${ctx.registryPassword}`).toString('base64'),
          expiresAt: epochSeconds(new Date(Date.now() + TOKEN_HOURS * 3600 * 1000)),
        },
      };
    case 'DescribeRegistries':
      return {
        registries: [
          {
            registryId: REGISTRY_ID,
            registryArn: `arn:aws:ecr-public::${REGISTRY_ID}:registry/${REGISTRY_ID}`,
            registryUri: `${PUBLIC_HOST}/${PUBLIC_ALIAS}`,
            verified: false,
            aliases: [
              {
                name: PUBLIC_ALIAS,
                status: 'ACTIVE',
                primaryRegistryAlias: true,
                defaultRegistryAlias: true,
              },
            ],
          },
        ],
      };
    case 'CreateRepository': {
      const name = repositoryName(input);
      if (name.length < 2 || name.length > 205 || !REPOSITORY_NAME.test(name)) {
        throw new AwsError(
          'InvalidParameterException',
          `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${REPOSITORY_NAME.source.slice(1, -1)}''`,
        );
      }
      const repo = createRepository(PUBLIC_HOST, name, {
        tags: (input.tags as { Key: string; Value: string }[] | undefined) ?? [],
      });
      if (!repo) {
        throw new AwsError(
          'RepositoryAlreadyExistsException',
          `The repository with name '${name}' already exists in the registry with id '${REGISTRY_ID}'`,
        );
      }
      return { repository: serializeRepository(repo), catalogData: input.catalogData ?? {} };
    }
    case 'DescribeRepositories': {
      const names = input.repositoryNames as string[] | undefined;
      const repos = names?.length
        ? names.map((repositoryName) => repositoryOf({ repositoryName }))
        : listRepositories().filter((r) => r.host === PUBLIC_HOST);
      return { repositories: repos.map(serializeRepository) };
    }
    case 'DescribeImages': {
      const repo = repositoryOf(input);
      const details = await imageDetails(repo, input.imageIds as ImageId[] | undefined, ctx.images(repo));
      return {
        imageDetails: details.map((d) => ({
          registryId: repo.registryId,
          repositoryName: repo.name,
          imageDigest: d.digest,
          imageTags: d.tags.length ? d.tags : undefined,
          imageSizeInBytes: d.sizeInBytes,
          imagePushedAt: epochSeconds(d.pushedAt),
          imageManifestMediaType: d.mediaType,
          artifactMediaType: d.artifactMediaType,
        })),
      };
    }
    case 'DescribeImageTags': {
      const repo = repositoryOf(input);
      const details = await imageDetails(repo, undefined, ctx.images(repo));
      return {
        imageTagDetails: details.flatMap((d) =>
          d.tags.map((imageTag) => ({
            imageTag,
            createdAt: epochSeconds(d.pushedAt),
            imageDetail: {
              imageDigest: d.digest,
              imageSizeInBytes: d.sizeInBytes,
              imagePushedAt: epochSeconds(d.pushedAt),
              imageManifestMediaType: d.mediaType,
              artifactMediaType: d.artifactMediaType,
            },
          })),
        ),
      };
    }
    case 'PutImage': {
      const repo = repositoryOf(input);
      return putImage(repo, input, ctx.images(repo));
    }
    default:
      throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
  }
}
