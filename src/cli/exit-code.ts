/** The CLI's exit codes (README, "CLI"), and which failure gets which. Pure. */
import { ActionError, InputError, ScanGateError, TagRuleError, ValidationError } from '../errors.js';
import { UsageError } from './args.js';

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  scanGate: 3,
  immutableConflict: 4,
  /** 128 + the signal number, as shells report it. */
  sigint: 130,
  sigterm: 143,
} as const;

export const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = {
  SIGINT: EXIT.sigint,
  SIGTERM: EXIT.sigterm,
};

export function exitCodeFor(error: unknown): number {
  // A bad flag value is a usage error whether the command line or the input parser finds it.
  if (
    error instanceof UsageError ||
    error instanceof InputError ||
    error instanceof ValidationError ||
    error instanceof TagRuleError
  )
    return EXIT.usage;
  if (error instanceof ScanGateError) return EXIT.scanGate;
  if (error instanceof ActionError && error.code === 'ImmutableTagConflict') return EXIT.immutableConflict;
  return EXIT.failure;
}
