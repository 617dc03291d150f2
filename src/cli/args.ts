/**
 * The command line → a command, the action inputs as the runner would hand them over (strings,
 * list inputs as newline lines), and the CLI's options. Pure. node:util's parseArgs splits the arguments (`--a=b`, `-abc`, `--`);
 * the rules (booleans with a value, `--no-NAME`, repeatable lists, did-you-mean) are applied here.
 */
import { parseArgs } from 'node:util';
import { closest, editDistance } from '../text/did-you-mean.js';
import { FLAGS, type Flag } from './flags.js';

const COMMANDS = ['run', 'plan', 'login', 'help'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliOptions {
  quiet: boolean;
  jsonOnly: boolean;
  format: 'json' | 'text';
}

export type CommandLine =
  | { command: 'version' }
  | { command: 'help'; topic?: Exclude<Command, 'help'> }
  | {
      command: Exclude<Command, 'help'>;
      inputs: Record<string, string>;
      options: CliOptions;
      /** Things worth saying that are no reason to stop (a secret value in argv). */
      warnings: string[];
    };

/** A command line the CLI cannot run: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'UsageError';

  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const BOOLEAN_VALUES: Readonly<Record<string, boolean>> = { true: true, false: false };

type Token = ReturnType<typeof parseArgs>['tokens'] extends (infer T)[] | undefined ? T : never;

export function parseCommandLine(argv: readonly string[], flags: readonly Flag[] = FLAGS): CommandLine {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const { tokens = [] } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      flags.map((f) => [
        f.name,
        {
          type: f.kind === 'boolean' ? ('boolean' as const) : ('string' as const),
          ...(f.short ? { short: f.short } : {}),
        },
      ]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });

  const positionals: string[] = [];
  const lists = new Map<string, string[]>();
  const values = new Map<string, { value: string; rawName: string }>();
  const warnings: string[] = [];
  const set = (flag: Flag, rawName: string, value: string) => {
    const key = flag.input ?? `--${flag.name}`;
    const earlier = values.get(key);
    if (earlier && earlier.value !== value) {
      throw new UsageError(
        `${rawName} is given twice (${earlier.rawName} ${JSON.stringify(earlier.value)}, then ${JSON.stringify(value)}); it takes one value.`,
        'Give it once.',
      );
    }
    values.set(key, { value, rawName });
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    const resolved = resolve(token, byName, flags);
    const { flag } = resolved;
    if (flag.kind === 'boolean') {
      let value = resolved.negated ? 'false' : 'true';
      // `--push=false` and `--push false` (the action's form) as well as bare `--push`.
      const given = token.value ?? booleanWord(tokens[i + 1]);
      if (given !== undefined) {
        if (resolved.negated)
          throw new UsageError(`${token.rawName} takes no value (got ${JSON.stringify(given)}).`);
        const parsed = BOOLEAN_VALUES[given.toLowerCase()];
        if (parsed === undefined) {
          throw new UsageError(
            `${token.rawName} takes true or false, got ${JSON.stringify(given)}.`,
            `Write ${token.rawName}, --no-${flag.name}, or ${token.rawName}=false.`,
          );
        }
        value = String(parsed);
        if (token.value === undefined) i++;
      }
      set(flag, token.rawName, value);
      continue;
    }
    const value = token.value;
    if (value === undefined || (!token.inlineValue && /^--[a-z]/i.test(value))) {
      throw new UsageError(
        `${token.rawName} needs a value${value === undefined ? '' : ` (got the flag ${value})`}.`,
        `e.g. ${token.rawName} ${flag.placeholder ?? 'VALUE'}`,
      );
    }
    if (flag.kind === 'list') {
      const { input, line } = listLine(flag, value, warnings);
      lists.set(input, [...(lists.get(input) ?? []), line]);
    } else set(flag, token.rawName, value);
  }

  const option = (name: string) => values.get(`--${name}`)?.value;
  const [commandWord, ...rest] = positionals;
  if (option('version') === 'true') return { command: 'version' };
  const command = commandWord === undefined ? undefined : asCommand(commandWord);
  if (command === 'help' || option('help') === 'true' || command === undefined) {
    const topicWord = commandWord === 'help' ? rest.shift() : commandWord;
    if (commandWord !== 'help' && option('help') !== 'true')
      throw new UsageError('No command given.', 'Run `ecr-build-push help` for the commands.');
    const topic = topicWord === undefined ? undefined : asCommand(topicWord);
    return { command: 'help', topic: topic === 'help' ? undefined : topic };
  }
  if (rest.length > 0) {
    throw new UsageError(
      `Unexpected argument ${JSON.stringify(rest[0])}: ${command} takes flags only.`,
      'A value with spaces needs quotes; flags are --name VALUE.',
    );
  }
  const inputs: Record<string, string> = {};
  for (const [key, { value }] of values) if (!key.startsWith('--')) inputs[key] = value;
  for (const [input, lines] of lists) inputs[input] = lines.join('\n');
  if (command === 'plan') {
    if (inputs['dry-run'] === 'false')
      throw new UsageError('`plan` is always a dry run: --no-dry-run does not apply.', 'Use `run` to push.');
    inputs['dry-run'] = 'true';
  }
  const format = option('format') ?? 'json';
  if (format !== 'json' && format !== 'text') {
    throw new UsageError(
      `--format takes json or text, got ${JSON.stringify(format)}.`,
      closest(format, ['json', 'text'])
        ? `Did you mean --format ${closest(format, ['json', 'text'])}?`
        : undefined,
    );
  }
  return {
    command,
    inputs,
    options: { quiet: option('quiet') === 'true', jsonOnly: option('json-only') === 'true', format },
    warnings,
  };
}

function asCommand(word: string): Command {
  if ((COMMANDS as readonly string[]).includes(word)) return word as Command;
  const near = closest(word, COMMANDS);
  throw new UsageError(
    `Unknown command ${JSON.stringify(word)}.`,
    near
      ? `Did you mean \`${near}\`? Commands: ${COMMANDS.join(', ')}.`
      : `Commands: ${COMMANDS.join(', ')}.`,
  );
}

/** The value of `--push false`: the next argument when it is a boolean word. */
function booleanWord(next: Token | undefined): string | undefined {
  return next?.kind === 'positional' && next.value.toLowerCase() in BOOLEAN_VALUES ? next.value : undefined;
}

function resolve(
  token: Extract<Token, { kind: 'option' }>,
  byName: Map<string, Flag>,
  flags: readonly Flag[],
): { flag: Flag; negated: boolean } {
  // parseArgs already turned a known short name into its long name.
  const direct = byName.get(token.name);
  if (direct) return { flag: direct, negated: false };
  const isShort = !token.rawName.startsWith('--');
  const positive = !isShort && token.name.startsWith('no-') ? byName.get(token.name.slice(3)) : undefined;
  if (positive?.kind === 'boolean') return { flag: positive, negated: true };
  const names = flags.flatMap((f) => (f.kind === 'boolean' ? [f.name, `no-${f.name}`] : [f.name]));
  const near = closestNames(token.name, names);
  throw new UsageError(
    `Unknown flag ${token.rawName}.`,
    near.length
      ? `Did you mean ${near.map((n) => `--${n}`).join(', ')}? (ecr-build-push help run lists every flag)`
      : 'ecr-build-push help run lists every flag.',
  );
}

/** Up to three names close to `name`: the ones it starts, then by edit distance. */
export function closestNames(name: string, candidates: readonly string[]): string[] {
  const needle = name.toLowerCase();
  const limit = Math.max(2, Math.floor(needle.length / 3));
  return candidates
    .map((candidate) => ({
      candidate,
      distance: candidate.startsWith(needle) && needle.length >= 3 ? 0.5 : editDistance(needle, candidate),
    }))
    .filter((c) => c.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map((c) => c.candidate);
}

/**
 * One line of a list input. `--secret` also takes buildx's forms, which keep the value out of
 * argv: `id=X,src=FILE` becomes a `secret-files` line, `id=X,env=VAR` (or `id=X`: the variable
 * X, as buildx reads it) a `secret-envs` line; `ID=VALUE` (the action's form) works with a warning.
 */
function listLine(flag: Flag, value: string, warnings: string[]): { input: string; line: string } {
  if (flag.input !== 'secrets') return { input: flag.input!, line: value };
  const fields = flag.name === 'secret' ? buildxSecret(value) : undefined;
  if (!fields) {
    warnings.push(
      `--${flag.name} ${value.split('=')[0]}=***: a secret value on the command line is visible to other processes; prefer --secret id=ID,env=VAR or --secret id=ID,src=FILE.`,
    );
    return { input: flag.input!, line: value };
  }
  const src = fields.src ?? fields.source;
  return src === undefined
    ? { input: 'secret-envs', line: `${fields.id}=${fields.env ?? fields.id}` }
    : { input: 'secret-files', line: `${fields.id}=${src}` };
}

const BUILDX_SECRET_KEYS = ['id', 'src', 'source', 'env', 'type'];

/** buildx's `id=X[,src=F|,env=V][,type=file|env]`, or undefined for the action's `ID=VALUE`. */
function buildxSecret(value: string): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  for (const part of value.split(',')) {
    const at = part.indexOf('=');
    if (at < 1) return undefined;
    const key = part.slice(0, at).trim().toLowerCase();
    if (!BUILDX_SECRET_KEYS.includes(key)) return undefined;
    fields[key] = part.slice(at + 1).trim();
  }
  return fields.id ? fields : undefined;
}
