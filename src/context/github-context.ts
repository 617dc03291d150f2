import type { RunContext } from './types.js';

type Payload = {
  repository?: {
    default_branch?: string;
    description?: string;
    html_url?: string;
    name?: string;
    license?: { spdx_id?: string };
  };
  pull_request?: { number?: number; head?: { sha?: string } };
  head_commit?: { timestamp?: string };
  number?: number;
  /** Push events: the branch a pushed tag came from (refs/heads/…), when GitHub knows it. */
  base_ref?: string | null;
};

/**
 * The run context from the runner's environment and the event payload file
 * (GITHUB_EVENT_PATH): pure apart from the injected file reader. Under act the
 * same variables exist, so nothing here special-cases it beyond `act`.
 */
export function readRunContext(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string | undefined,
  now: Date,
): RunContext {
  const payload = parsePayload(env.GITHUB_EVENT_PATH ? readFile(env.GITHUB_EVENT_PATH) : undefined);
  const ref = env.GITHUB_REF ?? '';
  const prNumber = payload.pull_request?.number ?? payload.number ?? prNumberFromRef(ref);
  const commitDate = payload.head_commit?.timestamp ? new Date(payload.head_commit.timestamp) : undefined;
  const repo = payload.repository;
  return {
    eventName: env.GITHUB_EVENT_NAME ?? 'push',
    ref,
    sha: env.GITHUB_SHA ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    runId: env.GITHUB_RUN_ID ?? '0',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    defaultBranch: repo?.default_branch,
    // GITHUB_BASE_REF is set for pull requests; a tag push carries its branch in the payload
    // (metadata-action's {{base_ref}} reads it there).
    baseRef:
      env.GITHUB_BASE_REF || (ref.startsWith('refs/tags/') ? payload.base_ref : undefined) || undefined,
    prNumber,
    prHeadSha: payload.pull_request?.head?.sha,
    commitDate: commitDate && !Number.isNaN(commitDate.getTime()) ? commitDate : undefined,
    repo: repo
      ? {
          description: repo.description ?? undefined,
          license: repo.license?.spdx_id,
          htmlUrl: repo.html_url,
          name: repo.name,
        }
      : undefined,
    now,
    act: env.ACT === 'true',
  };
}

function parsePayload(text: string | undefined): Payload {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    // `null`, a list or a string (a hand-written event file under act) carries no fields.
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Payload) : {};
  } catch {
    return {};
  }
}

function prNumberFromRef(ref: string): number | undefined {
  const m = /^refs\/pull\/(\d+)\//.exec(ref);
  return m ? Number(m[1]) : undefined;
}
