/**
 * The JSON document the CLI prints: the action's outputs with typed values instead of the
 * strings GITHUB_OUTPUT carries, and `error` on failure. Pure.
 */
import { explainFailure, unexpectedMessage } from '../errors.js';
import { UsageError } from './args.js';

type OutputType = 'string' | 'lines' | 'pairs' | 'boolean' | 'json';

/** Every action.yml output and how its string reads; a test keeps the names equal to action.yml's. */
export const OUTPUT_TYPES: Readonly<Record<string, OutputType>> = {
  digest: 'string',
  image: 'string',
  imageid: 'string',
  metadata: 'json',
  tags: 'lines',
  'tag-names': 'lines',
  version: 'string',
  labels: 'pairs',
  annotations: 'pairs',
  registry: 'string',
  'repository-uri': 'string',
  'platform-digests': 'json',
  pushed: 'boolean',
  reused: 'boolean',
  'aws-account-id': 'string',
  targets: 'json',
  'scan-findings': 'json',
  plan: 'json',
};

export interface ErrorInfo {
  message: string;
  hint: string | null;
  code: string;
}

export type CliDocument = Record<string, unknown> & { error?: ErrorInfo };

/** The document: the typed outputs, and `error` when the run failed. */
export function cliDocument(outputs: Readonly<Record<string, string>>, error?: ErrorInfo): CliDocument {
  const doc: CliDocument = typedOutputs(outputs);
  if (error) doc.error = error;
  return doc;
}

/** Outputs as the runner collected them (strings; missing ones are empty) → typed values. */
export function typedOutputs(outputs: Readonly<Record<string, string>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(OUTPUT_TYPES).map(([name, type]) => [name, typed(outputs[name] ?? '', type)]),
  );
}

function typed(value: string, type: OutputType): unknown {
  switch (type) {
    case 'string':
      return value;
    case 'boolean':
      return value === 'true';
    case 'lines':
      return value.split('\n').filter(Boolean);
    case 'pairs':
      return Object.fromEntries(
        value
          .split('\n')
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
    case 'json':
      return value === '' ? null : (JSON.parse(value) as unknown);
  }
}

/** What the JSON says about a failure: the message and hint users read, and a stable code. */
export function errorInfo(error: unknown): ErrorInfo {
  const explained = error instanceof UsageError ? error : explainFailure(error);
  if (explained) return { message: explained.message, hint: explained.hint ?? null, code: explained.code };
  return { message: unexpectedMessage(error), hint: null, code: 'Unexpected' };
}

export function interruptedInfo(signal: string): ErrorInfo {
  return {
    message: `Interrupted by ${signal}: the run was stopped and everything it created locally was removed.`,
    hint: 'Images or tags pushed before the interruption stay in the registry: see `tags`, `targets` and `pushed`.',
    code: 'Interrupted',
  };
}
