/**
 * Small parsers, one per kind of input. Each takes the raw text (defaults already applied) and either
 * returns the typed value or throws: an InputError for one problem, a ValidationError for several
 * (a list with more than one bad line). parse.ts collects them all.
 */
import { InputError, ValidationError, type ActionError } from '../errors.js';
import { parseFlavor, parseTagRules } from '../tags/rules.js';
import type { Flavor, TagRule } from '../tags/types.js';
import { ListSyntaxError, parseList, type ListOptions } from '../text/list-syntax.js';
import { didYouMean } from '../text/did-you-mean.js';
import { proxyUrl } from '../net/proxy.js';
import type { KeyValue } from '../types/key-value.js';
import type { MergeDigest } from './types.js';

/** The only side effects parsing may have: reads of the file system, injected so tests need no files. */
export interface InputFs {
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  readFile(path: string): string;
}

/** A file's text; undefined when there is none (or a directory stands where the file should be). */
export function readOptional(fs: InputFs, path: string): string | undefined {
  return fs.exists(path) && !fs.isDirectory(path) ? fs.readFile(path) : undefined;
}

/** Which input is being parsed, for messages, and the file system for the few inputs that name paths. */
export interface Field {
  input: string;
  fs: InputFs;
}

export type Parser<T> = (raw: string, field: Field) => T;
type LineParser<T> = (line: string, field: Field, lineNo: number) => T;

export function invalid(field: Field, value: string | undefined, expected: string, hint?: string): never {
  throw new InputError(field.input, value, expected, hint);
}

const CHARACTER_NAMES: Record<string, string> = {
  '\0': 'a NUL byte',
  '\n': 'a newline',
  '\r': 'a carriage return',
  '\t': 'a tab',
  '\x1b': 'an ESC character',
  '\u2028': 'a line separator (U+2028)',
  '\u2029': 'a paragraph separator (U+2029)',
};

// eslint-disable-next-line no-control-regex
const SINGLE_LINE_FORBIDDEN = /[\x00-\x1f\x7f\u2028\u2029]/;

/**
 * Control characters never belong in a single-line input: a newline there would end up in a log
 * line and start a workflow command, an ESC rewrites the terminal. Multi-line inputs may hold
 * newlines and tabs, never a NUL (no program can receive one). `hidden` inputs (`secrets`) are
 * named by line, their text never shown.
 */
export function checkCharacters(raw: string, field: Field, multiLine: boolean, hidden = false): void {
  const at = multiLine ? raw.indexOf('\0') : raw.search(SINGLE_LINE_FORBIDDEN);
  if (at < 0) return;
  const ch = raw[at]!;
  const name = CHARACTER_NAMES[ch] ?? `control character U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  const line = raw.slice(0, at).split('\n').length;
  const where = multiLine ? `line ${line}` : `character ${at + 1}`;
  invalid(
    field,
    hidden ? undefined : raw,
    multiLine ? 'text without NUL bytes' : 'a single line without control characters',
    `It holds ${name} at ${where}.${
      ch === '\n'
        ? ' A multi-line value cannot be used here: check for a stray newline in the expression or YAML block.'
        : ''
    }`,
  );
}

/** Empty means "not set": undefined, without running the parser. */
export function optional<T>(parse: Parser<T>): Parser<T | undefined> {
  return (raw, field) => (raw === '' ? undefined : parse(raw, field));
}

export const text: Parser<string | undefined> = (raw) => raw || undefined;

// The tag rules and flavor are parsed here, once: the engine takes them parsed (a bad rule is a
// TagRuleError before any network call).
export const tagRules: Parser<TagRule[]> = (raw) => parseTagRules(raw);

export const flavor: Parser<Flavor> = (raw) => parseFlavor(raw);

export const nonEmpty: Parser<string> = (raw, field) =>
  /^\S+$/.test(raw) ? raw : invalid(field, raw, 'a non-empty value without spaces');

const BOOLEANS: Record<string, boolean> = { true: true, false: false };

/** GitHub's getBooleanInput semantics (true/false only), but case-insensitive. */
export const boolean: Parser<boolean> = (raw, field) => {
  const value = BOOLEANS[raw.toLowerCase()];
  if (value !== undefined) return value;
  const truthy = /^(yes|y|on|1|enabled?)$/i.test(raw);
  const falsy = /^(no|n|off|0|disabled?)$/i.test(raw);
  return invalid(
    field,
    raw,
    'true or false',
    truthy || falsy ? `Write ${truthy} instead: action inputs accept only true and false.` : undefined,
  );
};

export function integer(min: number, max?: number): Parser<number> {
  const expected = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return (raw, field) => {
    if (!/^\d+$/.test(raw)) {
      const unit = /^\d+\s*[a-z]+$/i.test(raw) ? 'Give a plain number without a unit.' : undefined;
      return invalid(field, raw, expected, unit);
    }
    const value = Number(raw);
    if (value < min || (max !== undefined && value > max)) return invalid(field, raw, expected);
    return value;
  };
}

/** One of a fixed set, matched case-insensitively and returned in its canonical spelling. */
export function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  return (raw, field) => {
    const match = values.find((v) => v.toLowerCase() === raw.toLowerCase());
    return match ?? invalid(field, raw, `one of ${values.join(', ')}`, didYouMean(raw, values));
  };
}

/** Parses every item, reporting every bad one (not just the first) in one ValidationError. */
function eachItem<T>(items: { text: string; line: number }[], parseLine: LineParser<T>, field: Field): T[] {
  const parsed: T[] = [];
  const problems: ActionError[] = [];
  for (const { text, line } of items) {
    try {
      parsed.push(parseLine(text, field, line));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(err);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return parsed;
}

/** A multi-line input: one item per non-blank line, as written (no quoting). */
export function lines<T>(parseLine: LineParser<T>): Parser<T[]> {
  return (raw, field) =>
    eachItem(
      raw
        .split(/\r?\n/)
        .map((text, index) => ({ text: text.trim(), line: index + 1 }))
        .filter((item) => item.text !== ''),
      parseLine,
      field,
    );
}

/** A list input in build-push-action's CSV syntax (see list-syntax.ts). */
export function list<T>(parseLine: LineParser<T>, options: ListOptions): Parser<T[]> {
  return (raw, field) => {
    let items;
    try {
      items = parseList(raw, options);
    } catch (err) {
      if (!(err instanceof ListSyntaxError)) throw err;
      // The text is not shown: it may be a secret, and the line number finds it.
      return invalid(
        field,
        `(line ${err.line})`,
        'every double-quoted field closed',
        `${err.message}: end the field with ", and write "" for a quote inside it.`,
      );
    }
    return eachItem(items, parseLine, field);
  };
}

/** `KEY=VALUE`: split at the first `=`, so values may contain `=`. */
export const keyValue: LineParser<KeyValue> = (value, field, lineNo) => {
  const at = value.indexOf('=');
  const key = at < 0 ? '' : value.slice(0, at);
  if (at < 0 || key === '' || /\s/.test(key)) {
    const hint = at < 0 ? 'Each line is KEY=VALUE; use one line per entry.' : undefined;
    return invalid(field, value, `KEY=VALUE with a non-empty key without spaces (line ${lineNo})`, hint);
  }
  return { key, value: value.slice(at + 1) };
};

const SECRET_ID = /^[\w.-]+$/;

/** What is wrong with a secret id, if anything: it becomes a file name in the private directory. */
function secretIdProblem(id: string): string | undefined {
  if (id === '') return 'has no id before the first `=`';
  if (!SECRET_ID.test(id)) return 'has an id with characters other than letters, digits, _ . -';
  if (/^\.+$/.test(id)) return 'has the id "." or "..", which cannot name a file';
  return undefined;
}

const SECRET_HINT =
  'Each entry is id=value, e.g. npm_token=${{ secrets.NPM_TOKEN }}. A value with newlines (a PEM key) goes in double quotes, spanning lines: "key=-----BEGIN ...", with "" for a quote inside.';

/**
 * `id=value`, as build-push-action reads it (split at the first `=`; an empty value is refused).
 * No part of a bad entry is ever shown, not even the text before `=`: a token pasted without
 * `id=` may end in base64 padding and look like `id=`. The line number finds it.
 */
export const secret: LineParser<KeyValue> = (value, field, lineNo) => {
  const at = value.indexOf('=');
  const problem =
    at < 0
      ? 'has no `=`'
      : (secretIdProblem(value.slice(0, at)) ?? (at === value.length - 1 ? 'has an empty value' : undefined));
  if (problem) {
    return invalid(field, undefined, `id=value: the entry on line ${lineNo} ${problem}`, SECRET_HINT);
  }
  return { key: value.slice(0, at), value: value.slice(at + 1) };
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `id=ENV_NAME` (build-push-action's `secret-envs`): the value comes from that variable of the step. */
export const secretEnv: LineParser<KeyValue> = (value, field, lineNo) => {
  const at = value.indexOf('=');
  const id = at < 0 ? '' : value.slice(0, at);
  const name = value.slice(at + 1);
  const problem =
    at < 0
      ? 'has no `=`'
      : (secretIdProblem(id) ?? (ENV_NAME.test(name) ? undefined : 'names no environment variable'));
  if (problem) {
    return invalid(
      field,
      value,
      `id=ENV_NAME: the entry on line ${lineNo} ${problem}`,
      'e.g. github_token=GITHUB_TOKEN, with `env: { GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }} }` on the step.',
    );
  }
  return { key: id, value: name };
};

/** `id=path` of an existing file. */
export const secretFile: LineParser<KeyValue> = (value, field, lineNo) => {
  const at = value.indexOf('=');
  const id = at < 0 ? '' : value.slice(0, at);
  const path = value.slice(at + 1);
  const problem = at < 0 ? 'has no `=`' : (secretIdProblem(id) ?? (path === '' ? 'has no path' : undefined));
  if (problem) return invalid(field, value, `id=path: the entry on line ${lineNo} ${problem}`);
  if (!field.fs.exists(path) || field.fs.isDirectory(path)) {
    return invalid(field, value, `id=path naming an existing file (line ${lineNo})`, `No file at ${path}.`);
  }
  return { key: id, value: path };
};

const PLATFORMS = [
  'linux/amd64',
  'linux/amd64/v2',
  'linux/amd64/v3',
  'linux/amd64/v4',
  'linux/arm64',
  'linux/arm64/v8',
  'linux/arm',
  'linux/arm/v5',
  'linux/arm/v6',
  'linux/arm/v7',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
  'linux/mips64',
  'linux/mips64le',
  'linux/loong64',
  'windows/amd64',
  'windows/arm64',
];

/** Architecture names from uname and distributions, mapped to the OCI names buildx wants. */
const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  x64: 'amd64',
  aarch64: 'arm64',
  armv8: 'arm64',
  armhf: 'arm/v7',
  armv7: 'arm/v7',
  armv7l: 'arm/v7',
  armv6: 'arm/v6',
  armel: 'arm/v6',
  i386: '386',
  i686: '386',
  x86: '386',
};

function platformHint(value: string): string | undefined {
  const slash = value.indexOf('/');
  const os = slash < 0 ? 'linux' : value.slice(0, slash).toLowerCase();
  const arch = value.slice(slash + 1).toLowerCase();
  const alias = ARCH_ALIASES[arch];
  if (alias) return `Did you mean "${os}/${alias}"?`;
  if (slash < 0 && PLATFORMS.includes(`linux/${arch}`)) return `Did you mean "linux/${arch}"?`;
  return didYouMean(value, PLATFORMS);
}

const ITEMS: ListOptions = { commas: 'split' };

/** Comma- or newline-separated `os/arch[/variant]` from the platforms buildx knows; duplicates dropped. */
export const platforms: Parser<string[]> = (raw, field) => {
  const parsed = list((value, f) => {
    if (PLATFORMS.includes(value)) return value;
    return invalid(
      f,
      value,
      'os/arch[/variant] such as linux/amd64, linux/arm64, linux/arm/v7, linux/386, linux/ppc64le, linux/s390x, linux/riscv64 or windows/amd64',
      platformHint(value),
    );
  }, ITEMS)(raw, field);
  return [...new Set(parsed)];
};

/** buildx `--provenance`: false, true, or attributes such as mode=min / mode=max,builder-id=... */
export const provenance: Parser<false | string> = (raw, field) => {
  const lower = raw.toLowerCase();
  if (lower === 'false') return false;
  if (lower === 'true') return 'true';
  const expected = 'false, true, mode=min or mode=max (buildx --provenance attributes)';
  for (const part of raw.split(',')) {
    const [key, value] = part.split('=', 2);
    if (!key || value === undefined) return invalid(field, raw, expected);
    if (key === 'mode' && value !== 'min' && value !== 'max') {
      return invalid(field, raw, expected, didYouMean(value, ['min', 'max']));
    }
  }
  return raw;
};

const CACHE_TYPES = ['registry', 'local', 'inline', 'gha', 's3', 'azblob'];

/** A buildx cache entry: `type=...,key=value` or a bare registry reference (buildx's shorthand). */
export const cacheEntry: LineParser<string> = (value, field, lineNo) => {
  if (!value.includes('=')) return value;
  const attrs = new Map(value.split(',').map((part) => part.split('=', 2) as [string, string | undefined]));
  const type = attrs.get('type');
  const expected = `type=${CACHE_TYPES.join('|')},... or a registry reference (line ${lineNo})`;
  if ([...attrs].some(([k, v]) => !k || v === undefined)) return invalid(field, value, expected);
  if (!type) return invalid(field, value, expected, 'Start the entry with type=, e.g. type=registry,ref=...');
  if (!CACHE_TYPES.includes(type)) return invalid(field, value, expected, didYouMean(type, CACHE_TYPES));
  return value;
};

/** A buildx driver option, `key=value` (setup-buildx-action's `driver-opts`). */
export const driverOpt: LineParser<string> = (value, field, lineNo) =>
  /^[\w.-]+=/.test(value)
    ? value
    : invalid(field, value, `key=value such as image=REGISTRY/buildkit:TAG or network=host (line ${lineNo})`);

/** A cache scope: letters, digits, `.`, `_`, `-` (it becomes a directory and an ECR tag). */
export const cacheScope: Parser<string> = (raw, field) =>
  /^[\w][\w.-]{0,100}$/.test(raw)
    ? raw
    : invalid(field, raw, '1-101 letters, digits, . _ - (starting with a letter or digit)');

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** `sha256:…` or `PLATFORM=sha256:…`, as the push-by-digest jobs output them. */
export const mergeDigest: LineParser<MergeDigest> = (value, field, lineNo) => {
  const at = value.lastIndexOf('=');
  const digest = value.slice(at + 1);
  const platform = at < 0 ? undefined : value.slice(0, at);
  const expected = `sha256:<64 hex> or PLATFORM=sha256:<64 hex> (line ${lineNo})`;
  if (!DIGEST.test(digest)) {
    const hint = /^[0-9a-f]{64}$/.test(digest) ? `Did you mean "sha256:${digest}"?` : undefined;
    return invalid(field, value, expected, hint);
  }
  if (platform !== undefined && !PLATFORMS.includes(platform)) {
    return invalid(
      field,
      value,
      expected,
      platformHint(platform) ?? 'The platform is os/arch[/variant], e.g. linux/arm64.',
    );
  }
  return platform === undefined ? { digest } : { digest, platform };
};

const BUILDKIT_SCHEMES = ['tcp', 'unix', 'ssh', 'docker-container', 'kube-pod'];

/** A remote BuildKit address for buildx's `remote` driver. */
export const buildkitEndpoint: Parser<string> = (raw, field) => {
  const expected = 'tcp://HOST:PORT, unix:///PATH, ssh://HOST, docker-container://NAME or kube-pod://NAME';
  const match = /^([a-z-]+):\/\/(.+)$/.exec(raw);
  if (!match) {
    const hint = /^[\w.-]+:\d+$/.test(raw) ? `Did you mean "tcp://${raw}"?` : undefined;
    return invalid(field, raw, expected, hint);
  }
  const [, scheme = '', rest = ''] = match;
  if (!BUILDKIT_SCHEMES.includes(scheme)) {
    const hint = /^https?$/.test(scheme) ? `BuildKit listens on gRPC: use tcp://${rest}.` : undefined;
    return invalid(field, raw, expected, hint ?? didYouMean(scheme, BUILDKIT_SCHEMES));
  }
  if (scheme === 'tcp' && !/^(?:[\w.-]+|\[[\da-f:]+\]):\d+\/?$/i.test(rest)) {
    return invalid(
      field,
      raw,
      expected,
      'A tcp endpoint needs a host and a port, e.g. tcp://buildkitd:1234.',
    );
  }
  return raw;
};

/** A context buildx fetches itself (git or HTTP), which has no local directory to check. */
export function isRemoteContext(context: string): boolean {
  return /^(?:https?|git|ssh):\/\//.test(context) || context.startsWith('git@');
}

export const buildContext: Parser<string> = (raw, field) => {
  if (isRemoteContext(raw) || field.fs.isDirectory(raw)) return raw;
  const hint = field.fs.exists(raw)
    ? 'That is a file: `context` is the directory sent to the builder; name the Dockerfile in `file`.'
    : 'Paths are relative to the working directory (the workspace); did the checkout step run?';
  return invalid(field, raw, 'an existing directory or a git/https URL', hint);
};

/** ECR accepts tag filters of letters, digits, `.`, `_`, `-` and `*` wildcards. */
export const tagFilter: LineParser<string> = (value, field, lineNo) =>
  /^[\w.*-]{1,128}$/.test(value)
    ? value
    : invalid(field, value, `a tag filter of 1-128 letters, digits, . _ - and * (line ${lineNo})`);

/** ECR's limits on a lifecycle policy that are cheap to check before any call. */
function checkPolicy(field: Field, shown: string, json: string): string {
  let policy: unknown;
  try {
    policy = JSON.parse(json);
  } catch (err) {
    return invalid(field, shown, 'inline JSON or the path of a JSON file', (err as Error).message);
  }
  const rules = (policy as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules) || rules.length === 0) {
    return invalid(field, shown, 'a lifecycle policy with a non-empty "rules" array');
  }
  const incomplete = rules.findIndex(
    (rule: { rulePriority?: unknown; selection?: unknown; action?: unknown } | null) =>
      typeof rule?.rulePriority !== 'number' || typeof rule.selection !== 'object' || !rule.action,
  );
  if (incomplete >= 0) {
    return invalid(field, shown, `rules[${incomplete}] with rulePriority (a number), selection and action`);
  }
  return json;
}

/** Inline JSON (starts with `{`) or a path to a JSON file; returns the JSON text. */
export const lifecyclePolicy: Parser<string> = (raw, field) => {
  if (raw.startsWith('{')) {
    const shown = raw.length > 60 ? `${raw.slice(0, 57)}...` : raw;
    return checkPolicy(field, shown.replace(/\s+/g, ' '), raw);
  }
  if (!field.fs.exists(raw) || field.fs.isDirectory(raw)) {
    return invalid(field, raw, 'inline JSON or the path of a JSON file', `No file at ${raw}.`);
  }
  return checkPolicy(field, raw, field.fs.readFile(raw));
};

/** A proxy URL (`host:port` reads as http://host:port); checked here so a typo fails before any request. */
export const proxy: Parser<string> = (raw, field) => {
  try {
    return proxyUrl(raw, `Input \`${field.input}\``);
  } catch (err) {
    return invalid(field, undefined, 'http://[USER:PASSWORD@]HOST:PORT', (err as Error).message);
  }
};

// build-push-action's pass-through inputs: checked for shape only (buildx has the last word).

/** Any non-empty item, as written. */
export const item: LineParser<string> = (value) => value;

/** `default`, or `ID[=SOCKET|KEY[,KEY]]` for buildx `--ssh`. */
export const sshEntry: LineParser<string> = (value, field, lineNo) =>
  /^[\w.-]+(?:=\S+)?$/.test(value)
    ? value
    : invalid(
        field,
        value,
        `default or ID=SOCKET_OR_KEY (line ${lineNo})`,
        'For the runner’s ssh-agent write `default`.',
      );

/** `HOST:IP` (or `HOST=IP`) for buildx `--add-host`. */
export const addHost: LineParser<string> = (value, field, lineNo) =>
  /^[\w.-]+[:=]\S+$/.test(value) ? value : invalid(field, value, `HOST:IP (line ${lineNo})`);

/** `TYPE=SOFT[:HARD]` for buildx `--ulimit`. */
export const ulimit: LineParser<string> = (value, field, lineNo) =>
  /^[a-z]+=-?\d+(?::-?\d+)?$/.test(value)
    ? value
    : invalid(field, value, `TYPE=SOFT[:HARD] such as nofile=1024:2048 (line ${lineNo})`);

/** `type=NAME,...` for buildx `--attest`. */
export const attest: LineParser<string> = (value, field, lineNo) =>
  /^type=[\w-]+(?:,[\w.-]+=[^,]*)*$/.test(value)
    ? value
    : invalid(field, value, `type=sbom|provenance,... (line ${lineNo})`);

/** A size for buildx `--shm-size`: bytes, or a number with a unit (k, m, g, with b / ib optional). */
export const size: Parser<string> = (raw, field) =>
  /^\d+(?:\.\d+)?(?:[kmgtp]i?)?b?$/i.test(raw)
    ? raw
    : invalid(field, raw, 'a size such as 64m, 2g or 1073741824');

/** buildx `--call`: build, check, outline, targets (with options after a comma). */
export const callMethod: Parser<string> = (raw, field) => {
  const methods = ['build', 'check', 'outline', 'targets'];
  const method = raw.split(',')[0]!;
  if (methods.includes(method) || method.startsWith('subrequests.')) return raw;
  return invalid(field, raw, `one of ${methods.join(', ')}`, didYouMean(method, methods));
};

/** buildx `--sbom`: false, true, or attributes such as generator=IMAGE. */
export const sbom: Parser<false | string> = (raw, field) => {
  const lower = raw.toLowerCase();
  if (lower === 'false') return false;
  if (lower === 'true') return 'true';
  if (raw.split(',').every((part) => /^[\w.-]+=.*$/.test(part))) return raw;
  return invalid(
    field,
    raw,
    'false, true, or buildx --sbom attributes such as generator=docker/buildkit-syft-scanner',
  );
};
