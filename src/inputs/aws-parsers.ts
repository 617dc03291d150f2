/** Parsers for the AWS-shaped inputs: role ARNs, regions, registries and repository names. */
import { ARN_PARTITION_PATTERN } from '../aws/partitions.js';
import { REGION, matchEcrHost, parseEcrHost, privateHost } from '../aws/registry-host.js';
import { invalid, type Field, type Parser } from './parsers.js';
import type { ExtraTarget } from './types.js';

const ROLE_ARN = new RegExp(
  `^arn:(?:${ARN_PARTITION_PATTERN}):iam::\\d{12}:role\\/(?:[\\w+=,.@-]+\\/)*[\\w+=,.@-]{1,64}$`,
);
const NAME_CHARS = /^[\w+=,.@-]+$/;
const ACCOUNT = /^\d{12}$/;
const PUBLIC = /^public\.ecr\.aws\/[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export const roleArn: Parser<string> = (raw, field) => {
  if (ROLE_ARN.test(raw)) return raw;
  const expected = 'an IAM role ARN like arn:aws:iam::123456789012:role/NAME';
  if (NAME_CHARS.test(raw)) {
    return invalid(
      field,
      raw,
      expected,
      `Use the full ARN with the account id: arn:aws:iam::ACCOUNT_ID:role/${raw}.`,
    );
  }
  const account = /^arn:[\w-]+:iam::([^:]*):/.exec(raw)?.[1];
  if (account !== undefined && !ACCOUNT.test(account)) {
    return invalid(field, raw, expected, `The account id in the ARN must be 12 digits, not "${account}".`);
  }
  const assumed = /^arn:[\w-]+:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(raw);
  if (assumed) {
    const [, id, name] = assumed;
    return invalid(
      field,
      raw,
      expected,
      `That is a session ARN; the role is arn:aws:iam::${id}:role/${name}.`,
    );
  }
  if (/^arn:[\w-]+:iam::\d{12}:(?!role\/)/.test(raw)) {
    return invalid(field, raw, expected, 'That ARN is not a role: only roles can be assumed with OIDC.');
  }
  return invalid(field, raw, expected);
};

function regionHint(raw: string): string | undefined {
  const lower = raw.toLowerCase();
  if (lower !== raw && REGION.test(lower)) return `Did you mean "${lower}"?`;
  if (/^[a-z]{2}(?:-[a-z]+)+$/.test(lower)) return `Regions end with a number: did you mean "${lower}-1"?`;
  const zone = /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})[a-z]$/.exec(lower)?.[1];
  if (zone) return `"${raw}" is an availability zone; the region is "${zone}".`;
  return undefined;
}

export const region: Parser<string> = (raw, field) =>
  REGION.test(raw) ? raw : invalid(field, raw, 'an AWS region like eu-west-1', regionHint(raw));

export const sessionName: Parser<string> = (raw, field) => {
  if (raw.length >= 2 && raw.length <= 64 && NAME_CHARS.test(raw)) return raw;
  const fixed = raw.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  const hint = fixed.length >= 2 ? `For example "${fixed}".` : undefined;
  return invalid(field, raw, '2-64 characters of letters, digits and + = , . @ _ -', hint);
};

type Registry = Omit<ExtraTarget, 'roleToAssume'>;

/** A registry: account id, private/FIPS/China/ISO/dual-stack host, or public.ecr.aws/ALIAS (region us-east-1, ECR Public's). */
function parseRegistry(raw: string, field: Field, expected: string): Registry {
  if (ACCOUNT.test(raw)) return { spec: raw, account: raw };
  const lower = raw.toLowerCase();
  // The same host pattern resolveTarget uses, so what passes here resolves to the same registry.
  const host = parseEcrHost(lower);
  if (host) return { spec: raw, account: host.account, region: host.region, host: lower };
  const shaped = matchEcrHost(lower);
  if (shaped) return invalid(field, raw, expected, `"${shaped.region}" is not a region.`);
  if (PUBLIC.test(raw)) return { spec: raw, region: 'us-east-1', host: raw };
  return invalid(field, raw, expected, registryHint(raw));
}

function registryHint(raw: string): string | undefined {
  if (/^https?:\/\//i.test(raw))
    return `Give the host without the scheme: "${raw.replace(/^https?:\/\//i, '')}".`;
  if (/^\d+$/.test(raw)) {
    const quote = raw.length === 11 ? ' (quote it in YAML, or a leading 0 is lost)' : '';
    return `An account id has 12 digits, this has ${raw.length}${quote}.`;
  }
  if ((/\.dkr[.-]ecr/.test(raw) && raw.includes('/')) || /^public\.ecr\.aws\/[^/]+\//.test(raw)) {
    return 'The registry is only the host (and public alias): put the repository name in `repository`.';
  }
  return undefined;
}

const REGISTRY_EXPECTED =
  'a 12-digit account id, an ECR host (ACCOUNT.dkr.ecr.REGION.amazonaws.com, FIPS or dual-stack) or public.ecr.aws/ALIAS';

/** The `registry` input as the target resolves it: the host when one is given, else the account id. */
export const registry: Parser<string | undefined> = (raw, field) => {
  const parsed = parseRegistry(raw, field, REGISTRY_EXPECTED);
  return parsed.host ?? parsed.account;
};

/** A `registries` line: `ACCOUNT/REGION`, an ECR host or public.ecr.aws/ALIAS, optionally `=ROLE_ARN`. */
export function extraTarget(value: string, field: Field, lineNo: number): ExtraTarget {
  const at = value.indexOf('=');
  const spec = at < 0 ? value : value.slice(0, at).trim();
  const role = at < 0 ? undefined : roleArn(value.slice(at + 1).trim(), field);
  const expected = `ACCOUNT/REGION, an ECR host or public.ecr.aws/ALIAS, optionally =ROLE_ARN (line ${lineNo})`;
  const accountRegion = /^(\d{12})\/([^/]+)$/.exec(spec);
  if (accountRegion) {
    const [, account = '', regionName = ''] = accountRegion;
    region(regionName, field);
    return { spec, account, region: regionName, host: privateHost(account, regionName), roleToAssume: role };
  }
  if (ACCOUNT.test(spec)) return invalid(field, spec, expected, `Add the region: ${spec}/REGION.`);
  return { ...parseRegistry(spec, field, expected), roleToAssume: role };
}

export const repository: Parser<string> = (raw, field) => {
  const lower = raw.toLowerCase();
  // Valid by ECR's pattern, but a registry host inside the name is always a mistake.
  const withHost = /\.dkr[.-]ecr|^public\.ecr\.aws\//.test(lower);
  if (!withHost && raw.length >= 2 && raw.length <= 256 && REPOSITORY.test(raw)) return raw;
  const expected =
    'a repository name of 2-256 lowercase letters, digits and . _ - / separators, starting and ending with a letter or digit';
  let hint: string | undefined;
  if (withHost) {
    hint = 'Put the registry host in `registry` and only the name in `repository`.';
  } else if (/:/.test(raw)) {
    hint = 'Tags do not go in `repository`: use `tags`.';
  } else if (lower !== raw && REPOSITORY.test(lower)) {
    hint = `Repository names are lowercase: "${lower}".`;
  }
  return invalid(field, raw, expected, hint);
};

/** A 12-digit account id (`allowed-account-ids`). */
export const accountId = (value: string, field: Field, lineNo: number): string =>
  ACCOUNT.test(value)
    ? value
    : invalid(field, value, `12-digit account ids, comma separated (item ${lineNo})`, registryHint(value));

/** sts:AssumeRole ExternalId: 2-1224 characters of [\w+=,.@:/-]. */
export const externalId: Parser<string> = (raw, field) =>
  /^[\w+=,.@:/-]{2,1224}$/.test(raw)
    ? raw
    : invalid(field, raw, '2-1224 characters of letters, digits and + = , . @ : / _ -');

/** A managed policy ARN (`managed-session-policies`). */
export const policyArn = (value: string, field: Field, lineNo: number): string =>
  new RegExp(`^arn:(?:${ARN_PARTITION_PATTERN}):iam::(?:\\d{12}|aws):policy\\/\\S+$`).test(value)
    ? value
    : invalid(field, value, `a managed policy ARN like arn:aws:iam::aws:policy/NAME (line ${lineNo})`);

/** An inline session policy: a JSON object (STS checks the grammar; only the syntax is checked here). */
export const sessionPolicy: Parser<string> = (raw, field) => {
  try {
    const policy: unknown = JSON.parse(raw);
    if (policy && typeof policy === 'object' && !Array.isArray(policy)) return JSON.stringify(policy);
  } catch (err) {
    return invalid(
      field,
      raw.length > 60 ? `${raw.slice(0, 57)}...` : raw,
      'a JSON policy document',
      (err as Error).message,
    );
  }
  return invalid(field, raw, 'a JSON policy document (an object)');
};
