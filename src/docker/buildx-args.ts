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
  sbom: boolean;
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
  for (const [key, value] of Object.entries(spec.labels)) args.push('--label', `${key}=${value}`);
  for (const { key, value } of spec.annotations) args.push('--annotation', `${key}=${value}`);
  if (spec.platforms.length) args.push('--platform', spec.platforms.join(','));
  for (const tag of spec.tags) args.push('--tag', tag);
  for (const { id, path } of spec.secrets) args.push('--secret', `id=${id},src=${path}`);
  for (const from of spec.cacheFrom) args.push('--cache-from', from);
  for (const to of spec.cacheTo) args.push('--cache-to', to);
  // Always explicit: buildx's default adds provenance, which turns every push into an index.
  args.push(`--provenance=${spec.provenance === false ? 'false' : spec.provenance}`);
  if (spec.sbom) args.push('--sbom=true');
  if (spec.noCache) args.push('--no-cache');
  if (spec.pull) args.push('--pull');
  if (spec.pushByDigest)
    args.push(
      '--output',
      `type=image,name=${spec.pushByDigest},push-by-digest=true,name-canonical=true,push=true`,
    );
  else if (spec.push) args.push('--push');
  if (spec.load) args.push('--load');
  args.push('--metadata-file', spec.metadataFile, '--iidfile', spec.iidFile);
  args.push(spec.context);
  return args;
}
