/**
 * The event payload derived from another CI's variables, served to the run context as the file
 * GITHUB_EVENT_PATH names, from memory: nothing is written to disk. The path cannot exist (it
 * sits under /dev/null), so no real file is ever shadowed.
 */
import type { CiContext } from '../context/ci-env.js';
import type { PrepareDeps } from '../steps/prepare.js';

const EVENT_PATH = '/dev/null/ecr-build-push-event.json';

export function withCiEvent(
  deps: PrepareDeps,
  context: CiContext,
): { deps: PrepareDeps; env: NodeJS.ProcessEnv } {
  if (context.env.GITHUB_EVENT_PATH) return { deps, env: context.env };
  const text = JSON.stringify(context.event);
  const fs = deps.fs;
  return {
    env: { ...context.env, GITHUB_EVENT_PATH: EVENT_PATH },
    deps: {
      ...deps,
      fs: {
        ...fs,
        exists: (path) => path === EVENT_PATH || fs.exists(path),
        readFile: (path) => (path === EVENT_PATH ? text : fs.readFile(path)),
      },
    },
  };
}
