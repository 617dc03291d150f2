/**
 * The `default:` of every action.yml input that has one, applied when the raw input is empty.
 * The runner applies them too, but the CLI and tests do not go through the runner; a test keeps
 * this table equal to action.yml.
 */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  audience: 'sts.amazonaws.com',
  'role-duration-seconds': '3600',
  'export-credentials': 'false',
  context: '.',
  push: 'true',
  load: 'false',
  'no-cache': 'false',
  pull: 'false',
  provenance: 'false',
  sbom: 'false',
  cache: 'none',
  'pr-head-sha': 'false',
  'create-repository': 'false',
  'image-tag-mutability': 'MUTABLE',
  'scan-on-push': 'true',
  encryption: 'AES256',
  'update-repository-settings': 'false',
  'on-immutable-conflict': 'fail',
  'reuse-existing': 'true',
  'reuse-key': 'commit',
  scan: 'none',
  'scan-timeout': '300',
  'max-attempts': '4',
  'retry-budget-seconds': '60',
  'dry-run': 'false',
  'build-in-dry-run': 'false',
};
