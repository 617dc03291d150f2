/**
 * Turns the raw action inputs into the typed Inputs, before any network call: every row of the
 * input table is parsed and every problem collected, so one run reports them all in a single
 * ValidationError; then the rules that involve more than one input.
 */
import { join } from 'node:path';
import { parseEcrHost } from '../aws/registry-host.js';
import { ActionError, InputError, ValidationError } from '../errors.js';
import { FINGERPRINT_LABEL } from '../types/build.js';
import { region } from './aws-parsers.js';
import { checkCharacters, isRemoteContext, type InputFs } from './parsers.js';
import { INPUT_ROWS } from './table.js';
import type { GivenInputs, InputSections, Inputs } from './types.js';

export type { InputFs } from './parsers.js';

function fail(input: string, value: string, expected: string, hint?: string): never {
  throw new InputError(input, value, expected, hint);
}

/** Runs `fn`, moving any ActionError it throws (or the several a ValidationError holds) into `problems`. */
function collect<T>(problems: ActionError[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ValidationError) problems.push(...err.problems);
    else if (err instanceof ActionError) problems.push(err);
    else throw err;
    return undefined;
  }
}

/** Inputs while they are parsed: a field whose input failed stays undefined. */
type Draft = { [S in keyof InputSections]: Partial<InputSections[S]> };

/** The raw value of an input by name (defaults applied), for messages. */
type Raw = (name: string) => string;

/**
 * `read(name)` gives the raw input ('' when unset); action.yml defaults are applied here. Throws one
 * ValidationError listing every problem. Pure apart from reads through `fs`. `building: false`
 * (the CLI's `login`) skips the check that a Dockerfile exists.
 */
export function parseInputs(
  read: (name: string) => string,
  env: Record<string, string | undefined>,
  fs: InputFs,
  { building = true }: { building?: boolean } = {},
): Inputs {
  const problems: ActionError[] = [];
  const texts: Record<string, string> = {};
  const raw: Raw = (name) => texts[name] ?? '';
  const draft: Record<string, Record<string, unknown>> = {};
  const given: Record<string, Record<string, boolean>> = {};
  for (const { row, section, field } of INPUT_ROWS) {
    const input = row.name;
    const text = read(input).trim();
    (given[section] ??= {})[field] = text !== '';
    texts[input] = text || (row.default ?? '');
    const value = collect(problems, () => {
      checkCharacters(raw(input), { input, fs }, row.multiLine === true, row.secret === true);
      return row.parse(raw(input), { input, fs });
    });
    (draft[section] ??= {})[field] = value;
  }
  const v = draft as Draft;
  v.auth.region = collect(problems, () => resolveRegion(v, raw, env, fs));
  for (const check of building ? [...CHECKS, dockerfileCheck] : CHECKS)
    collect(problems, () => check(v, raw, fs));
  collect(problems, () => secretChecks(v, env));
  if (problems.length > 0) throw new ValidationError(problems);
  // Every row parsed: every field is set.
  return { ...(v as InputSections), given: given as GivenInputs };
}

/**
 * `aws-region`, else the registry host's region, else AWS_REGION / AWS_DEFAULT_REGION. The host wins
 * over the environment because it names the registry exactly, while the environment may be a job-wide
 * default for other work; an explicit `aws-region` that contradicts the host is an error.
 */
function resolveRegion(
  v: Draft,
  raw: Raw,
  env: Record<string, string | undefined>,
  fs: InputFs,
): string | undefined {
  const hostRegion = v.target.registry ? parseEcrHost(v.target.registry)?.region : undefined;
  if (raw('aws-region')) {
    if (v.auth.region && hostRegion && v.auth.region !== hostRegion) {
      fail(
        'aws-region',
        raw('aws-region'),
        `the region of registry ${raw('registry')} (${hostRegion})`,
        'Leave `aws-region` unset to use the registry host region.',
      );
    }
    return v.auth.region;
  }
  if (hostRegion) return hostRegion;
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const value = env[name]?.trim();
    if (!value) continue;
    try {
      return region(value, { input: 'aws-region', fs });
    } catch (err) {
      const { input, value: got, expected, hint } = err as InputError;
      throw new InputError(
        input,
        got,
        expected,
        [`It came from the ${name} environment variable.`, hint].join(' ').trim(),
      );
    }
  }
  return undefined;
}

type Check = (v: Draft, raw: Raw, fs: InputFs) => void;

/** Rules that involve more than one input. Each skips when an input it needs already failed. */
const CHECKS: Check[] = [
  (v, raw) => {
    if (v.build.buildkitEndpoint && v.build.builder) {
      fail(
        'buildkit-endpoint',
        raw('buildkit-endpoint'),
        'no `builder` at the same time',
        'Use either an existing builder (`builder`) or a remote BuildKit daemon (`buildkit-endpoint`).',
      );
    }
  },
  // `load` with several platforms depends on the engine's image store: checked once it is known.
  (v) => {
    const { platforms, push, pushByDigest } = v.build;
    const count = platforms?.length ?? 0;
    if (pushByDigest && count > 1) {
      fail(
        'push-by-digest',
        'true',
        `one platform, not ${count} (${platforms!.join(', ')})`,
        'Each job pushes one platform by digest; a later job merges them with `merge-digests` (see the multi-arch workflow).',
      );
    }
    if (pushByDigest && push === false) {
      fail('push-by-digest', 'true', 'push: true (pushing by digest is a push)');
    }
  },
  (v, raw) => {
    if (v.publish.mergeDigests?.length && v.build.pushByDigest) {
      fail(
        'merge-digests',
        raw('merge-digests'),
        'no push-by-digest at the same time',
        'A merge builds nothing: run it as its own step after the jobs that pushed by digest.',
      );
    }
  },
  (v, raw) => {
    const mode = v.repository.tagMutability;
    const filters = v.repository.mutabilityExclusions;
    if (!mode || !filters) return;
    const withExclusion = mode.endsWith('_WITH_EXCLUSION');
    if (withExclusion && filters.length === 0) {
      fail(
        'image-tag-mutability-exclusions',
        '',
        `at least one tag filter with image-tag-mutability ${mode}`,
      );
    }
    if (!withExclusion && filters.length > 0) {
      fail(
        'image-tag-mutability-exclusions',
        raw('image-tag-mutability-exclusions'),
        `nothing with image-tag-mutability ${mode}`,
        `Exclusions need image-tag-mutability ${mode}_WITH_EXCLUSION.`,
      );
    }
  },
  (v) => {
    // The action sets this label itself: a user's value would show in the `labels` output and
    // never reach the image.
    if (v.build.labels?.some(({ key }) => key === FINGERPRINT_LABEL)) {
      fail(
        'labels',
        FINGERPRINT_LABEL,
        'no label of the reserved name',
        `The action sets ${FINGERPRINT_LABEL} itself (what the image was built from, for reuse): remove that line.`,
      );
    }
  },
  (v, raw) => {
    if (v.repository.kmsKey && v.repository.encryption === 'AES256') {
      fail(
        'kms-key',
        raw('kms-key'),
        'no key with encryption AES256',
        'Set `encryption: KMS` to use a KMS key.',
      );
    }
  },
  (v, raw) => {
    if (v.scan.failOnSeverity && v.scan.mode === 'none') {
      fail(
        'fail-on-severity',
        raw('fail-on-severity'),
        'no threshold while scan is none',
        'Set `scan: wait` so the action waits for the findings it gates on.',
      );
    }
  },
];

/**
 * One id names one secret: a second value for an id would silently replace the first (buildx keeps
 * one). `secrets` entries are named by position only; their ids are part of text never shown.
 * A `secret-envs` variable must be set: buildx would otherwise build with an empty secret.
 */
function secretChecks(v: Draft, env: Record<string, string | undefined>): void {
  const { secrets, secretFiles, secretEnvs } = v.build;
  if (!secrets || !secretFiles || !secretEnvs) return;
  const seen = new Map<string, string>();
  const claim = (input: string, id: string, entry: string, shown: boolean) => {
    const first = seen.get(id);
    if (first !== undefined) {
      throw new InputError(
        input,
        undefined,
        `ids used once across secrets, secret-files and secret-envs: ${entry}${shown ? ` (id ${JSON.stringify(id)})` : ''} repeats the id of ${first}`,
        'Give each secret its own id: buildx keeps one value per id.',
      );
    }
    seen.set(id, entry);
  };
  secrets.forEach(({ key }, i) => claim('secrets', key, `entry ${i + 1} of \`secrets\``, false));
  secretFiles.forEach(({ key }, i) => claim('secret-files', key, `entry ${i + 1} of \`secret-files\``, true));
  secretEnvs.forEach(({ key }, i) => claim('secret-envs', key, `entry ${i + 1} of \`secret-envs\``, true));
  const unset = secretEnvs.filter(({ value }) => !env[value]);
  if (unset.length > 0) {
    throw new InputError(
      'secret-envs',
      unset.map(({ key, value }) => `${key}=${value}`).join(', '),
      `environment variables that are set (${unset.map(({ value }) => value).join(', ')} ${unset.length > 1 ? 'are' : 'is'} not)`,
      'Set them on the step: `env: { NAME: ${{ secrets.NAME }} }`.',
    );
  }
}

/**
 * buildx resolves `file` against the working directory, not the context: check what it will open.
 * A merge builds nothing (its job needs no checkout).
 */
const dockerfileCheck: Check = (v, raw, fs) => {
  const { context, file: given } = v.build;
  if (context === undefined || isRemoteContext(context) || v.publish.mergeDigests?.length) return;
  const file = given ?? join(context, 'Dockerfile');
  if (fs.exists(file) && !fs.isDirectory(file)) return;
  const inContext = given && fs.exists(join(context, given)) ? join(context, given) : undefined;
  fail(
    'file',
    raw('file'),
    given
      ? 'an existing Dockerfile (relative to the working directory)'
      : `a Dockerfile: ${file} does not exist`,
    inContext
      ? `\`file\` is relative to the working directory, not the context: use "${inContext}".`
      : undefined,
  );
};
