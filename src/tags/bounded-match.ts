/**
 * `tags` regular expressions run with a time limit. A pattern such as `(a+)+$` backtracks
 * exponentially (31 characters took 64 s), and a tag rule must never hang a job. The match runs
 * in a vm context, whose timeout interrupts V8's regex engine: the semantics stay JavaScript's
 * (metadata-action's `value.match(new RegExp(…))`) for every pattern, at ~30 µs a call.
 */
import { Script, createContext, type Context } from 'node:vm';

const MATCH_LIMIT_MS = 1000;

/** A match that did not finish within the limit. */
export class MatchTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`matching took longer than ${limitMs / 1000} s`);
  }
}

let sandbox: { script: Script; context: Context } | undefined;

/** `value.match(re)` as a plain array (or null); throws MatchTimeoutError past `limitMs`. */
export function boundedMatch(
  value: string,
  re: RegExp,
  limitMs = MATCH_LIMIT_MS,
): (string | undefined)[] | null {
  sandbox ??= {
    script: new Script('(m => m && Array.from(m))(value.match(new RegExp(source, flags)))'),
    context: createContext({}),
  };
  Object.assign(sandbox.context, { value, source: re.source, flags: re.flags });
  try {
    const result = sandbox.script.runInContext(sandbox.context, { timeout: limitMs }) as
      (string | undefined)[] | null;
    return result && [...result];
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
      throw new MatchTimeoutError(limitMs);
    throw err;
  }
}
