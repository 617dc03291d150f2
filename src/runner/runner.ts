/**
 * The seam between the action's logic and where it runs. The GitHub Actions
 * runner (actions-runner.ts) and the CLI (cli-runner.ts) implement it; the
 * orchestration in main.ts only ever talks to this interface.
 */
export interface Runner {
  /** Raw value of an input ('' when unset). */
  input(name: string): string;
  setOutput(name: string, value: string): void;
  /** Registers a value with the log masker. Call before the value is used anywhere. */
  mask(value: string): void;
  saveState(name: string, value: string): void;
  exportVariable(name: string, value: string): void;
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  /** Runs `fn` with its log lines folded under `name` (::group:: in Actions). Groups do not nest. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Appends markdown to the job summary (no-op where there is none). */
  summary(markdown: string): Promise<void>;
  env: NodeJS.ProcessEnv;
}
