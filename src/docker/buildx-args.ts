import type { KeyValue } from '../types/key-value.js';

/** Everything one `docker buildx build` needs, already decided. */
export interface BuildSpec {
  context: string;
  file?: string;
  target?: string;
  buildArgs: KeyValue[];
  labels: Record<string, string>;
  annotations: KeyValue[];
  platforms: string[];
  /** Full references HOST/REPO:TAG. */
  tags: string[];
  /** `--secret id=ID,src=PATH`: user secret files and the private files holding `secrets` values. */
  secrets: { id: string; path: string }[];
  cacheFrom: string[];
  cacheTo: string[];
  provenance: false | string;
  /** false, or buildx `--sbom` attributes (`true`, `generator=IMAGE`). */
  sbom: false | string;
  // build-push-action's pass-through inputs, with its flag for each.
  /** `--build-context NAME=VALUE`. */
  buildContexts?: KeyValue[];
  /** `--ssh default|ID[=SOCKET|KEY,...]`. */
  ssh?: string[];
  network?: string;
  /** `--add-host HOST:IP`. */
  addHosts?: string[];
  shmSize?: string;
  /** `--ulimit TYPE=SOFT[:HARD]`. */
  ulimits?: string[];
  /** Entitlements, one `--allow` joined with commas (as build-push-action does). */
  allow?: string[];
  /** `--call`: a method other than `build` (check, outline, targets) evaluates and exports nothing. */
  call?: string;
  /** `--attest type=...`. A provenance or sbom attestation here replaces the `provenance` / `sbom` flags. */
  attests?: string[];
  cgroupParent?: string;
  noCacheFilters?: string[];
  noCache: boolean;
  pull: boolean;
  push: boolean;
  /** Push by digest (no tags) to this HOST/REPO: the image exporter's push-by-digest. */
  pushByDigest?: string;
  load: boolean;
  builder?: string;
  metadataFile: string;
  iidFile: string;
}

/** The argument array for `docker buildx build`. Pure: no value is ever interpreted by a shell. */
export function buildxArgs(spec: BuildSpec): string[] {
  const args = ['buildx', 'build'];
  if (spec.builder) args.push('--builder', spec.builder);
  if (spec.file) args.push('--file', spec.file);
  if (spec.target) args.push('--target', spec.target);
  for (const { key, value } of spec.buildArgs) args.push('--build-arg', `${key}=${value}`);
  for (const { key, value } of spec.buildContexts ?? []) args.push('--build-context', `${key}=${value}`);
  for (const [key, value] of Object.entries(spec.labels)) args.push('--label', `${key}=${value}`);
  for (const { key, value } of spec.annotations) args.push('--annotation', `${key}=${value}`);
  if (spec.platforms.length) args.push('--platform', spec.platforms.join(','));
  for (const tag of spec.tags) args.push('--tag', tag);
  for (const { id, path } of spec.secrets) args.push('--secret', `id=${id},src=${path}`);
  for (const from of spec.cacheFrom) args.push('--cache-from', from);
  for (const to of spec.cacheTo) args.push('--cache-to', to);
  for (const ssh of spec.ssh ?? []) args.push('--ssh', ssh);
  for (const host of spec.addHosts ?? []) args.push('--add-host', host);
  for (const limit of spec.ulimits ?? []) args.push('--ulimit', limit);
  if (spec.allow?.length) args.push('--allow', spec.allow.join(','));
  if (spec.network) args.push('--network', spec.network);
  if (spec.shmSize) args.push('--shm-size', spec.shmSize);
  if (spec.cgroupParent) args.push('--cgroup-parent', spec.cgroupParent);
  for (const filter of spec.noCacheFilters ?? []) args.push('--no-cache-filter', filter);
  for (const attest of spec.attests ?? []) args.push('--attest', attest);
  // Always explicit: buildx's default adds provenance, which turns every push into an index.
  if (!attests(spec, 'provenance'))
    args.push(`--provenance=${spec.provenance === false ? 'false' : spec.provenance}`);
  if (spec.sbom !== false && !attests(spec, 'sbom')) args.push(`--sbom=${spec.sbom}`);
  if (spec.noCache) args.push('--no-cache');
  if (spec.pull) args.push('--pull');
  // An evaluation (`call: check`) builds no image: nothing to push, load or describe.
  if (isEvaluation(spec.call)) args.push('--call', spec.call!);
  else {
    if (spec.pushByDigest)
      args.push(
        '--output',
        `type=image,name=${spec.pushByDigest},push-by-digest=true,name-canonical=true,push=true`,
      );
    else if (spec.push) args.push('--push');
    if (spec.load) args.push('--load');
    args.push('--metadata-file', spec.metadataFile, '--iidfile', spec.iidFile);
  }
  args.push(spec.context);
  return args;
}

/** Whether an `--attest` entry already sets attestation `type` (buildx would let a later flag win). */
function attests(spec: BuildSpec, type: string): boolean {
  return (spec.attests ?? []).some((entry) => entry.split(',').includes(`type=${type}`));
}

/** A `call` method other than `build` evaluates the build (check, outline, targets) and exports nothing. */
export function isEvaluation(call: string | undefined): boolean {
  return call !== undefined && call !== '' && call.split(',')[0] !== 'build';
}
