/**
 * The CLI's flags: one per action input (derived from the input table, so a new input is a new
 * flag), the names people type from buildx and the AWS CLI as aliases, and the CLI's own options.
 * Pure data.
 */
import { INPUT_SPECS, type InputKind, type InputSpec } from './input-kinds.js';

/** A flag the command line accepts. */
export interface Flag {
  /** Long name, without the dashes. */
  name: string;
  short?: string;
  kind: InputKind;
  /** The action input it sets; undefined for the CLI's own options. */
  input?: string;
  /** How the flag's value reads in help (`KEY=VALUE`). */
  placeholder?: string;
  /** One line for help (aliases and CLI options; inputs are described in the README). */
  help?: string;
}

/** Familiar names for inputs, where they are unambiguous. */
const ALIASES: readonly Flag[] = [
  {
    name: 'tag',
    short: 't',
    kind: 'list',
    input: 'tags',
    placeholder: 'TAG|REF',
    help: 'a tag (or a full reference), like buildx -t; repeatable, added to --tags',
  },
  { name: 'build-arg', kind: 'list', input: 'build-args', placeholder: 'KEY=VALUE', help: 'like buildx' },
  { name: 'platform', kind: 'list', input: 'platforms', placeholder: 'OS/ARCH', help: 'like buildx' },
  { name: 'label', kind: 'list', input: 'labels', placeholder: 'KEY=VALUE', help: 'like buildx' },
  {
    name: 'secret',
    kind: 'list',
    input: 'secrets',
    placeholder: 'id=ID,src=FILE|id=ID,env=VAR',
    help: 'like buildx: from a file (becomes --secret-files) or a variable; the value never sits in argv',
  },
  { name: 'region', kind: 'value', input: 'aws-region', placeholder: 'REGION', help: 'like the AWS CLI' },
];

/** Short names for inputs that keep their own long name. */
const SHORT: Readonly<Record<string, string>> = { file: 'f' };

/** The CLI's own options (not inputs). */
export const OPTIONS: readonly Flag[] = [
  { name: 'help', short: 'h', kind: 'boolean', help: 'this help (also: help COMMAND)' },
  { name: 'version', kind: 'boolean', help: 'the version of ecr-build-push' },
  { name: 'quiet', short: 'q', kind: 'boolean', help: 'stderr: warnings and errors only' },
  { name: 'json-only', kind: 'boolean', help: 'nothing on stderr: the JSON on stdout says it all' },
  {
    name: 'format',
    kind: 'value',
    placeholder: 'json|text',
    help: 'stdout: one JSON object (default) or a short summary',
  },
];

const PLACEHOLDER: Readonly<Record<InputKind, string>> = { boolean: '', list: 'LINE', value: 'VALUE' };

function inputFlags(specs: readonly InputSpec[]): Flag[] {
  return specs.map(({ name, kind }) => ({
    name,
    kind,
    input: name,
    short: SHORT[name],
    placeholder: PLACEHOLDER[kind] || undefined,
  }));
}

/** Every flag: inputs, aliases, options. */
export const FLAGS: readonly Flag[] = [...inputFlags(INPUT_SPECS), ...ALIASES, ...OPTIONS];
