import { readFileSync } from 'node:fs';
import { withRetry, type RetryPolicy } from '../retry.js';
import { buildxArgs, type BuildSpec } from './buildx-args.js';
import { docker, dockerFailure } from './docker-cli.js';

/** What buildx wrote to --metadata-file. */
interface BuildMetadata {
  'containerimage.digest'?: string;
  'containerimage.config.digest'?: string;
  'containerimage.descriptor'?: {
    mediaType?: string;
    digest?: string;
    size?: number;
    platform?: { os: string; architecture: string; variant?: string };
  };
  'buildx.build.ref'?: string;
  [key: string]: unknown;
}

export interface BuildResult {
  metadata: BuildMetadata;
  metadataText: string;
  imageId?: string;
}

/**
 * One `docker buildx build` for every tag. Only a failed push is retried (running the
 * same build again: BuildKit's cache makes that a push only); a failed build is not,
 * whatever its log mentions. The build's own duration is not retry cost: attempts
 * bound the retries, the budget limits only the waits between them.
 */
export async function buildAndPush(
  spec: BuildSpec,
  env: Record<string, string>,
  retry: RetryPolicy,
): Promise<BuildResult> {
  const started = Date.now();
  const args = buildxArgs(spec);
  let waited = 0;
  await withRetry(
    spec.push ? 'docker buildx build --push' : 'docker buildx build',
    async () => {
      const result = await docker(args, { env });
      if (result.exitCode === 0) return;
      // Only the failing step's lines decide: an earlier warning (a refused cache import) says
      // nothing about why the push failed.
      const output = failingPhase(`${result.stdout}\n${result.stderr}`);
      const failure = Object.assign(dockerFailure('docker buildx build', result, buildHint(output)), {
        output,
      });
      throw spec.push && PUSH_PHASE.test(output) ? failure : Object.assign(failure, { retryable: false });
    },
    {
      ...retry,
      sleep: async (ms) => {
        waited += ms;
        await (retry.sleep ?? ((t: number) => new Promise<void>((r) => setTimeout(r, t))))(ms);
      },
      now: () => started + waited,
    },
  );
  const metadataText = readIfExists(spec.metadataFile) ?? '{}';
  return {
    metadata: JSON.parse(metadataText) as BuildMetadata,
    metadataText,
    imageId: readIfExists(spec.iidFile)?.trim(),
  };
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The lines of BuildKit's plain progress output that belong to the step that failed (`#N ...` of the
 * last `#N ERROR`) and the summary after the last step (`ERROR: failed to ...`). Output without
 * step numbers (a failure before the build starts) is taken whole.
 */
export function failingPhase(output: string): string {
  const lines = output.split('\n');
  const step = (line: string) => /^#(\d+) /.exec(line)?.[1];
  const lastStepLine = lines.findLastIndex((line) => step(line) !== undefined);
  if (lastStepLine < 0) return output;
  const failed = lines.findLast((line) => /^#\d+ ERROR\b/.test(line));
  const id = failed ? step(failed) : step(lines[lastStepLine]!);
  return [
    ...lines.slice(0, lastStepLine + 1).filter((line) => step(line) === id),
    ...lines.slice(lastStepLine + 1),
  ]
    .join('\n')
    .trim();
}

/** BuildKit's words for a failure while sending the result to the registry. */
const PUSH_PHASE =
  /failed to push|failed to copy|error exporting|failed commit on ref|pushing layers|exporting to image|^#\d+ pushing /im;

/** The hint for the failures users hit most. */
export function buildHint(output: string): string | undefined {
  if (/unknown flag: --call/.test(output)) {
    return '`call` needs docker buildx 0.15 or newer (`docker buildx version` shows this one): update docker-buildx, or leave `call` unset.';
  }
  if (/is not a docker command|unknown command "buildx"|'buildx' is not/i.test(output)) {
    return 'docker buildx is not installed. On Debian/Ubuntu: apt-get install docker-buildx (or docker-buildx-plugin); GitHub-hosted runners include it.';
  }
  if (/cannot be overwritten because the repository is immutable|tag invalid/i.test(output)) {
    return 'The repository is IMMUTABLE and a tag already exists: use `on-immutable-conflict: skip`, or tag by commit only.';
  }
  if (/name unknown|does not exist in the registry/i.test(output)) {
    return 'The repository does not exist: set `create-repository: true` or create it with `aws ecr create-repository`.';
  }
  if (/multiple platforms feature is currently not supported for docker driver/i.test(output)) {
    return 'The docker driver builds one platform: leave `builder` empty (the action then uses a docker-container builder) or set `buildkit-endpoint`.';
  }
  if (/unauthorized|authentication required|denied/i.test(output)) {
    return 'The registry refused the credentials: the role needs ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage and ecr:BatchCheckLayerAvailability on the repository.';
  }
  return undefined;
}
