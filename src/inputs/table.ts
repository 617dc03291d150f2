/**
 * One row per action.yml input: its name, its parser and its default; where the row stands is
 * where the value goes in Inputs (the `satisfies` below makes a missing or mistyped row a
 * compile error). Adding an input is action.yml, a field in types.ts and a row here; a test
 * keeps the names and defaults equal to action.yml's (the runner applies those defaults, but
 * the CLI and tests do not go through the runner).
 */
import { DEFAULT_AUDIENCE } from '../aws/oidc.js';
import { CACHE_MODES } from '../types/build.js';
import { TAG_MUTABILITIES } from '../types/registry.js';
import { SEVERITIES } from '../types/scan.js';
import {
  accountId,
  externalId,
  extraTarget,
  policyArn,
  region,
  registry,
  repository,
  roleArn,
  sessionName,
  sessionPolicy,
} from './aws-parsers.js';
import {
  addHost,
  attest,
  boolean,
  buildContext,
  callMethod,
  buildkitEndpoint,
  cacheEntry,
  cacheScope,
  driverOpt,
  flavor,
  integer,
  item,
  keyValue,
  lifecyclePolicy,
  lines,
  mergeDigest,
  list,
  nonEmpty,
  oneOf,
  optional,
  platforms,
  provenance,
  proxy,
  sbom,
  secret,
  secretEnv,
  secretFile,
  size,
  sshEntry,
  tagFilter,
  tagRules,
  text,
  ulimit,
  type Parser,
} from './parsers.js';
import type { InputSections } from './types.js';

interface Row<T> {
  /** The action.yml input name. */
  name: string;
  parse: Parser<T>;
  /** action.yml's `default:`, applied when the raw input is empty. */
  default?: string;
  /** One entry per line (or JSON): any other input must be a single line. */
  multiLine?: boolean;
  /** Several entries (lines or CSV records): the CLI takes its flag repeatedly. */
  list?: boolean;
  /** Never shown in a message, not even when malformed. */
  secret?: boolean;
}

function row<T>(name: string, parse: Parser<T>, options: Omit<Row<T>, 'name' | 'parse'> = {}): Row<T> {
  return { name, parse, ...options };
}

const LIST = { multiLine: true, list: true } as const;

// build-push-action's `ignoreComma` inputs: one item per record, commas kept, quotes removed.
const RECORDS = { commas: 'keep' } as const;
// Its other list inputs: commas separate items too.
const ITEMS = { commas: 'split' } as const;

type Table = { [S in keyof InputSections]: { [K in keyof InputSections[S]]-?: Row<InputSections[S][K]> } };

const INPUT_TABLE = {
  auth: {
    roleToAssume: row('role-to-assume', optional(roleArn)),
    // Resolved further from the registry host and the environment (parse.ts).
    region: row('aws-region', optional(region)),
    audience: row('audience', nonEmpty, { default: DEFAULT_AUDIENCE }),
    roleSessionName: row('role-session-name', optional(sessionName)),
    roleDurationSeconds: row('role-duration-seconds', integer(900, 43200), { default: '3600' }),
    exportCredentials: row('export-credentials', boolean, { default: 'false' }),
    roleChaining: row('role-chaining', boolean, { default: 'false' }),
    roleExternalId: row('role-external-id', optional(externalId)),
    allowedAccountIds: row('allowed-account-ids', list(accountId, ITEMS), LIST),
    maskAccountId: row('mask-aws-account-id', boolean, { default: 'false' }),
    inlineSessionPolicy: row('inline-session-policy', optional(sessionPolicy), { multiLine: true }),
    managedSessionPolicies: row('managed-session-policies', list(policyArn, ITEMS), LIST),
  },
  network: {
    // May hold the proxy's password: never shown.
    httpProxy: row('http-proxy', optional(proxy), { secret: true }),
    noProxy: row('no-proxy', text),
  },
  target: {
    registry: row('registry', optional(registry)),
    repository: row('repository', optional(repository)),
    // One target per line or comma, `#` comment lines like `tags`.
    registries: row('registries', list(extraTarget, { commas: 'split', comments: true }), LIST),
    baseRegistries: row('base-registries', list(extraTarget, { commas: 'split', comments: true }), LIST),
  },
  build: {
    context: row('context', buildContext, { default: '.' }),
    file: row('file', text),
    target: row('target', text),
    buildArgs: row('build-args', list(keyValue, RECORDS), LIST),
    secrets: row('secrets', list(secret, RECORDS), { ...LIST, secret: true }),
    secretFiles: row('secret-files', list(secretFile, RECORDS), LIST),
    secretEnvs: row('secret-envs', list(secretEnv, RECORDS), LIST),
    labels: row('labels', list(keyValue, RECORDS), LIST),
    annotations: row('annotations', list(keyValue, RECORDS), LIST),
    platforms: row('platforms', platforms, LIST),
    builder: row('builder', text),
    buildkitEndpoint: row('buildkit-endpoint', optional(buildkitEndpoint)),
    buildkitImage: row('buildkit-image', nonEmpty, { default: 'moby/buildkit:buildx-stable-1' }),
    buildkitdConfigInline: row('buildkitd-config-inline', text, { multiLine: true }),
    driverOpts: row('driver-opts', list(driverOpt, RECORDS), LIST),
    push: row('push', boolean, { default: 'true' }),
    load: row('load', boolean, { default: 'false' }),
    noCache: row('no-cache', boolean, { default: 'false' }),
    pull: row('pull', boolean, { default: 'false' }),
    provenance: row('provenance', provenance, { default: 'false' }),
    sbom: row('sbom', sbom, { default: 'false' }),
    cache: row('cache', oneOf(CACHE_MODES), { default: 'none' }),
    cacheFrom: row('cache-from', list(cacheEntry, RECORDS), LIST),
    cacheTo: row('cache-to', list(cacheEntry, RECORDS), LIST),
    cacheScope: row('cache-scope', optional(cacheScope)),
    pushByDigest: row('push-by-digest', boolean, { default: 'false' }),
    buildContexts: row('build-contexts', list(keyValue, RECORDS), LIST),
    ssh: row('ssh', list(sshEntry, ITEMS), LIST),
    network: row('network', text),
    addHosts: row('add-hosts', list(addHost, ITEMS), LIST),
    shmSize: row('shm-size', optional(size)),
    ulimits: row('ulimit', list(ulimit, RECORDS), LIST),
    allow: row('allow', list(item, ITEMS), LIST),
    call: row('call', optional(callMethod)),
    attests: row('attests', list(attest, RECORDS), LIST),
    cgroupParent: row('cgroup-parent', text),
    noCacheFilters: row('no-cache-filters', list(item, ITEMS), LIST),
    githubToken: row('github-token', text, { secret: true }),
  },
  tags: {
    rules: row('tags', tagRules, LIST),
    flavor: row('flavor', flavor, LIST),
    prHeadSha: row('pr-head-sha', boolean, { default: 'false' }),
  },
  repository: {
    create: row('create-repository', boolean, { default: 'false' }),
    tagMutability: row('image-tag-mutability', oneOf(TAG_MUTABILITIES), { default: 'MUTABLE' }),
    mutabilityExclusions: row('image-tag-mutability-exclusions', lines(tagFilter), LIST),
    scanOnPush: row('scan-on-push', boolean, { default: 'true' }),
    encryption: row('encryption', oneOf(['AES256', 'KMS']), { default: 'AES256' }),
    kmsKey: row('kms-key', text),
    repositoryTags: row('repository-tags', lines(keyValue), LIST),
    lifecyclePolicy: row('lifecycle-policy', optional(lifecyclePolicy), { multiLine: true }),
    updateSettings: row('update-repository-settings', boolean, { default: 'false' }),
  },
  publish: {
    onImmutableConflict: row('on-immutable-conflict', oneOf(['fail', 'skip']), { default: 'fail' }),
    reuseExisting: row('reuse-existing', boolean, { default: 'true' }),
    reuseKey: row('reuse-key', oneOf(['commit', 'tree']), { default: 'commit' }),
    mergeDigests: row('merge-digests', lines(mergeDigest), LIST),
  },
  scan: {
    mode: row('scan', oneOf(['none', 'wait']), { default: 'none' }),
    failOnSeverity: row('fail-on-severity', optional(oneOf(SEVERITIES))),
    timeoutSeconds: row('scan-timeout', integer(1, 3600), { default: '300' }),
  },
  retry: {
    maxAttempts: row('max-attempts', integer(1, 10), { default: '4' }),
    budgetSeconds: row('retry-budget-seconds', integer(1), { default: '60' }),
  },
  run: {
    dryRun: row('dry-run', boolean, { default: 'false' }),
    buildInDryRun: row('build-in-dry-run', boolean, { default: 'false' }),
  },
} satisfies Table;

/** Every row with where its value goes: `inputs[section][field]`. */
interface Placed {
  row: Row<unknown>;
  section: keyof InputSections;
  field: string;
}

export const INPUT_ROWS: readonly Placed[] = Object.entries(INPUT_TABLE).flatMap(([section, rows]) =>
  Object.entries(rows as Record<string, Row<unknown>>).map(([field, row]) => ({
    row,
    section: section as keyof InputSections,
    field,
  })),
);
