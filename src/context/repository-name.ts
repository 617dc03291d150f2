import type { RunContext } from './types.js';

/** The name part of `owner/name`: the default repository, session name and image title. */
export function repositoryName(ctx: RunContext): string | undefined {
  return ctx.repository.split('/').pop() || undefined;
}
