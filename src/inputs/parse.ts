/**
 * Turns the raw action inputs into the typed Inputs, before any network call. Every input is checked
 * and every problem collected, so one run reports them all in a single ValidationError.
 */
import { join } from 'node:path';
import { ActionError, InputError, ValidationError } from '../errors.js';
import { extraTarget, region, registry, repository, roleArn, sessionName } from './aws.js';
import { INPUT_DEFAULTS } from './defaults.js';
import type { Inputs } from './types.js';
import {
  boolean,
  buildContext,
  buildkitEndpoint,
  cacheEntry,
  checkCharacters,
  flavor,
  integer,
  isRemoteContext,
  keyValue,
  lifecyclePolicy,
  lines,
  list,
  nonEmpty,
  oneOf,
  optional,
  platforms,
  provenance,
  secret,
  secretFile,
  tagFilter,
  tagRules,
  text,
  type InputFs,
  type Parser,
} from './validate.js';

export type { InputFs } from './validate.js';

function fail(input: string, value: string, expected: string, hint?: string): never {
  throw new InputError(input, value, expected, hint);
}

// build-push-action's `ignoreComma` inputs: one item per record, commas kept, quotes removed.
const RECORDS = { commas: 'keep' } as const;

/** Every action.yml input and its parser; a test keeps the names equal to action.yml's. */
const FIELDS = {
  'role-to-assume': optional(roleArn),
  'aws-region': optional(region),
  audience: nonEmpty,
  'role-session-name': optional(sessionName),
  'role-duration-seconds': integer(900, 43200),
  'export-credentials': boolean,
  registry: optional(registry),
  repository: optional(repository),
  registries: lines(extraTarget),
  context: buildContext,
  file: text,
  target: text,
  'build-args': list(keyValue, RECORDS),
  secrets: lines(secret),
  'secret-files': lines(secretFile),
  labels: list(keyValue, RECORDS),
  annotations: list(keyValue, RECORDS),
  platforms,
  builder: text,
  'buildkit-endpoint': optional(buildkitEndpoint),
  push: boolean,
  load: boolean,
  'no-cache': boolean,
  pull: boolean,
  provenance,
  sbom: boolean,
  cache: oneOf(['none', 'inline', 'registry', 'gha', 'local']),
  'cache-from': list(cacheEntry, RECORDS),
  'cache-to': list(cacheEntry, RECORDS),
  tags: tagRules,
  flavor,
  'pr-head-sha': boolean,
  'create-repository': boolean,
  'image-tag-mutability': oneOf([
    'MUTABLE',
    'IMMUTABLE',
    'MUTABLE_WITH_EXCLUSION',
    'IMMUTABLE_WITH_EXCLUSION',
  ]),
  'image-tag-mutability-exclusions': lines(tagFilter),
  'scan-on-push': boolean,
  encryption: oneOf(['AES256', 'KMS']),
  'kms-key': text,
  'repository-tags': lines(keyValue),
  'lifecycle-policy': optional(lifecyclePolicy),
  'update-repository-settings': boolean,
  'on-immutable-conflict': oneOf(['fail', 'skip']),
  'reuse-existing': boolean,
  'reuse-key': oneOf(['commit', 'tree']),
  scan: oneOf(['none', 'wait']),
  'fail-on-severity': optional(oneOf(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'])),
  'scan-timeout': integer(1, 3600),
  'max-attempts': integer(1, 10),
  'retry-budget-seconds': integer(1),
  'dry-run': boolean,
  'build-in-dry-run': boolean,
} satisfies Record<string, Parser<unknown>>;

type InputName = keyof typeof FIELDS;

/** Inputs that hold one entry per line (or JSON): every other input must be a single line. */
const MULTI_LINE = new Set<InputName>([
  'registries',
  'build-args',
  'secrets',
  'secret-files',
  'labels',
  'annotations',
  'platforms',
  'cache-from',
  'cache-to',
  'tags',
  'flavor',
  'image-tag-mutability-exclusions',
  'repository-tags',
  'lifecycle-policy',
]);
type Values = { [K in InputName]: ReturnType<(typeof FIELDS)[K]> };

export const INPUT_NAMES = Object.keys(FIELDS) as InputName[];

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

/**
 * `read(name)` gives the raw input ('' when unset); action.yml defaults are applied here. Throws one
 * ValidationError listing every problem. Pure apart from reads through `fs`.
 */
export function parseInputs(
  read: (name: string) => string,
  env: Record<string, string | undefined>,
  fs: InputFs,
): Inputs {
  const problems: ActionError[] = [];
  const raw = {} as Record<InputName, string>;
  const parsed: Partial<Record<InputName, unknown>> = {};
  for (const input of INPUT_NAMES) {
    raw[input] = read(input).trim() || (INPUT_DEFAULTS[input] ?? '');
    const parse = FIELDS[input] as Parser<unknown>;
    parsed[input] = collect(problems, () => {
      checkCharacters(raw[input], { input, fs }, MULTI_LINE.has(input), input === 'secrets');
      return parse(raw[input], { input, fs });
    });
  }
  const v = parsed as Partial<Values>;
  const awsRegion = collect(problems, () => resolveRegion(v, raw, env, fs));
  for (const check of CHECKS) collect(problems, () => check(v, raw, fs));
  if (problems.length > 0) throw new ValidationError(problems);
  return assemble(v as Values, awsRegion);
}

/**
 * `aws-region`, else the registry host's region, else AWS_REGION / AWS_DEFAULT_REGION. The host wins
 * over the environment because it names the registry exactly, while the environment may be a job-wide
 * default for other work; an explicit `aws-region` that contradicts the host is an error.
 */
function resolveRegion(
  v: Partial<Values>,
  raw: Record<InputName, string>,
  env: Record<string, string | undefined>,
  fs: InputFs,
): string | undefined {
  const hostRegion = v.registry?.host && v.registry.account ? v.registry.region : undefined;
  if (raw['aws-region']) {
    if (v['aws-region'] && hostRegion && v['aws-region'] !== hostRegion) {
      fail(
        'aws-region',
        raw['aws-region'],
        `the region of registry ${raw.registry} (${hostRegion})`,
        'Leave `aws-region` unset to use the registry host region.',
      );
    }
    return v['aws-region'];
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

type Check = (v: Partial<Values>, raw: Record<InputName, string>, fs: InputFs) => void;

/** Rules that involve more than one input. Each skips when an input it needs already failed. */
const CHECKS: Check[] = [
  (v, raw) => {
    if (v['buildkit-endpoint'] && v.builder) {
      fail(
        'buildkit-endpoint',
        raw['buildkit-endpoint'],
        'no `builder` at the same time',
        'Use either an existing builder (`builder`) or a remote BuildKit daemon (`buildkit-endpoint`).',
      );
    }
  },
  (v) => {
    const count = v.platforms?.length ?? 0;
    if (v.push && v.load && count > 1) {
      fail(
        'load',
        'true',
        `false when pushing ${count} platforms (${v.platforms!.join(', ')})`,
        'Docker cannot load a multi-platform image: set `load: false`, or build one platform to load it.',
      );
    }
  },
  (v, raw) => {
    const mode = v['image-tag-mutability'];
    const filters = v['image-tag-mutability-exclusions'];
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
        raw['image-tag-mutability-exclusions'],
        `nothing with image-tag-mutability ${mode}`,
        `Exclusions need image-tag-mutability ${mode}_WITH_EXCLUSION.`,
      );
    }
  },
  (v, raw) => {
    if (v['kms-key'] && v.encryption === 'AES256') {
      fail(
        'kms-key',
        raw['kms-key'],
        'no key with encryption AES256',
        'Set `encryption: KMS` to use a KMS key.',
      );
    }
  },
  (v, raw) => {
    if (v['fail-on-severity'] && v.scan === 'none') {
      fail(
        'fail-on-severity',
        raw['fail-on-severity'],
        'no threshold while scan is none',
        'Set `scan: wait` so the action waits for the findings it gates on.',
      );
    }
  },
  // buildx resolves `file` against the working directory, not the context: check what it will open.
  (v, raw, fs) => {
    const context = v.context;
    if (context === undefined || isRemoteContext(context)) return;
    const file = v.file ?? join(context, 'Dockerfile');
    if (fs.exists(file) && !fs.isDirectory(file)) return;
    const inContext = v.file && fs.exists(join(context, v.file)) ? join(context, v.file) : undefined;
    fail(
      'file',
      raw.file,
      v.file
        ? 'an existing Dockerfile (relative to the working directory)'
        : `a Dockerfile: ${file} does not exist`,
      inContext
        ? `\`file\` is relative to the working directory, not the context: use "${inContext}".`
        : undefined,
    );
  },
];

function assemble(v: Values, region: string | undefined): Inputs {
  return {
    auth: {
      roleToAssume: v['role-to-assume'],
      region,
      audience: v.audience,
      roleSessionName: v['role-session-name'],
      roleDurationSeconds: v['role-duration-seconds'],
      exportCredentials: v['export-credentials'],
    },
    target: {
      registry: v.registry?.host ?? v.registry?.account,
      repository: v.repository,
      registries: v.registries,
    },
    build: {
      context: v.context,
      file: v.file,
      target: v.target,
      buildArgs: v['build-args'],
      secrets: v.secrets,
      secretFiles: v['secret-files'],
      labels: v.labels,
      annotations: v.annotations,
      platforms: v.platforms,
      builder: v.builder,
      buildkitEndpoint: v['buildkit-endpoint'],
      push: v.push,
      load: v.load,
      noCache: v['no-cache'],
      pull: v.pull,
      provenance: v.provenance,
      sbom: v.sbom,
      cache: v.cache,
      cacheFrom: v['cache-from'],
      cacheTo: v['cache-to'],
    },
    tags: { rules: v.tags, flavor: v.flavor, prHeadSha: v['pr-head-sha'] },
    repository: {
      create: v['create-repository'],
      tagMutability: v['image-tag-mutability'],
      mutabilityExclusions: v['image-tag-mutability-exclusions'],
      scanOnPush: v['scan-on-push'],
      encryption: v.encryption,
      kmsKey: v['kms-key'],
      repositoryTags: v['repository-tags'],
      lifecyclePolicy: v['lifecycle-policy'],
      updateSettings: v['update-repository-settings'],
    },
    publish: {
      onImmutableConflict: v['on-immutable-conflict'],
      reuseExisting: v['reuse-existing'],
      reuseKey: v['reuse-key'],
    },
    scan: { mode: v.scan, failOnSeverity: v['fail-on-severity'], timeoutSeconds: v['scan-timeout'] },
    retry: { maxAttempts: v['max-attempts'], budgetSeconds: v['retry-budget-seconds'] },
    dryRun: v['dry-run'],
    buildInDryRun: v['build-in-dry-run'],
  };
}
