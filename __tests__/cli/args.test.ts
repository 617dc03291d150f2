import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { closestNames, parseCommandLine, UsageError, type CommandLine } from '../../src/cli/args.js';
import { FLAGS } from '../../src/cli/flags.js';
import { INPUT_SPECS } from '../../src/cli/input-kinds.js';

const action = parseYaml(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { default?: string; description: string }>;
};

const inputsOf = (argv: string[]) => {
  const line = parseCommandLine(argv);
  if (!('inputs' in line)) throw new Error(`not a run line: ${line.command}`);
  return line.inputs;
};

describe('cli/flags: one flag per action input, kinds from action.yml', () => {
  it('every action.yml input is a flag of the same name, and every input flag is an action input', () => {
    const inputFlags = FLAGS.filter((f) => f.input && f.name === f.input).map((f) => f.name);
    expect(inputFlags.sort()).toEqual(Object.keys(action.inputs).sort());
  });

  // action.yml says it: a true/false default is a switch (provenance and sbom also take attributes), "one per line" a list.
  it.each(Object.entries(action.inputs))('%s has the kind action.yml implies', (name, spec) => {
    const kind = INPUT_SPECS.find((s) => s.name === name)?.kind;
    const expected = /one per line|newline separated/i.test(spec.description)
      ? 'list'
      : (spec.default === 'true' || spec.default === 'false') && !['provenance', 'sbom'].includes(name)
        ? 'boolean'
        : 'value';
    expect(kind).toBe(expected);
  });

  it('no two flags share a name or a short name', () => {
    const names = FLAGS.map((f) => f.name);
    const shorts = FLAGS.flatMap((f) => (f.short ? [f.short] : []));
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(shorts).size).toBe(shorts.length);
  });

  it('aliases point at real inputs of the same kind', () => {
    for (const alias of FLAGS.filter((f) => f.input && f.name !== f.input)) {
      expect(INPUT_SPECS.find((s) => s.name === alias.input)?.kind, alias.name).toBe(alias.kind);
    }
  });
});

describe('cli/args: flag forms → inputs', () => {
  // [case, argv after the command, the inputs that must result]
  const rows: [string, string[], Record<string, string>][] = [
    ['--name VALUE', ['--repository', 'svc'], { repository: 'svc' }],
    ['--name=VALUE', ['--repository=svc'], { repository: 'svc' }],
    ['bare boolean', ['--no-cache'], { 'no-cache': 'true' }],
    ['--no-NAME', ['--no-push'], { push: 'false' }],
    ['boolean with a value (the action form)', ['--push', 'false'], { push: 'false' }],
    ['boolean with an inline value', ['--push=FALSE'], { push: 'false' }],
    ['boolean followed by another flag', ['--load', '--repository', 'x'], { load: 'true', repository: 'x' }],
    ['list repeated', ['--build-args', 'A=1', '--build-args', 'B=2'], { 'build-args': 'A=1\nB=2' }],
    ['list in the multi-line form', ['--build-args', 'A=1\nB=2'], { 'build-args': 'A=1\nB=2' }],
    ['list: both forms together', ['--labels', 'a=1\nb=2', '--label', 'c=3'], { labels: 'a=1\nb=2\nc=3' }],
    ['--build-arg alias', ['--build-arg', 'A=1', '--build-args', 'B=2'], { 'build-args': 'A=1\nB=2' }],
    [
      '--platform alias, repeated',
      ['--platform', 'linux/amd64', '--platform', 'linux/arm64'],
      { platforms: 'linux/amd64\nlinux/arm64' },
    ],
    ['--region alias', ['--region', 'eu-west-1'], { 'aws-region': 'eu-west-1' }],
    ['-f short for --file', ['-f', 'docker/Dockerfile'], { file: 'docker/Dockerfile' }],
    ['-fVALUE', ['-fdocker/Dockerfile'], { file: 'docker/Dockerfile' }],
    [
      '-t raw tags and a reference join --tags',
      ['--tags', 'type=sha', '-t', 'v1', '--tag', 'host/repo:v2'],
      { tags: 'type=sha\nv1\nhost/repo:v2' },
    ],
    [
      '--secret id=X,env=VAR becomes secret-envs',
      ['--secret', 'id=token,env=TOKEN'],
      { 'secret-envs': 'token=TOKEN' },
    ],
    [
      '--secret id=VAR: the variable of that name, as buildx reads it',
      ['--secret', 'id=TOKEN'],
      { 'secret-envs': 'TOKEN=TOKEN' },
    ],
    [
      '--secret id=X,src=FILE becomes secret-files',
      ['--secret', 'id=npmrc,src=/home/me/.npmrc'],
      { 'secret-files': 'npmrc=/home/me/.npmrc' },
    ],
    [
      '--secret type=file,id=X,source=FILE',
      ['--secret', 'type=file,id=npmrc,source=.npmrc'],
      { 'secret-files': 'npmrc=.npmrc' },
    ],
    ['--secret ID=VALUE (the action form)', ['--secret', 'token=inline'], { secrets: 'token=inline' }],
    [
      'a repeated flag with the same value is fine',
      ['--repository', 'a', '--repository', 'a'],
      { repository: 'a' },
    ],
    ['-- ends the flags (nothing after it is a flag)', ['--repository', 'a', '--'], { repository: 'a' }],
  ];
  it.each(rows)('%s', (_name, argv, expected) => {
    expect(inputsOf(['run', ...argv])).toEqual(expected);
  });

  it('flags may come before the command', () => {
    expect(inputsOf(['--repository', 'svc', 'run'])).toEqual({ repository: 'svc' });
  });

  it('plan implies dry-run', () => {
    expect(inputsOf(['plan'])).toEqual({ 'dry-run': 'true' });
  });

  it('an inline secret value is a warning (it is visible in ps), never repeated in it', () => {
    const line = parseCommandLine(['run', '--secrets', 'token=hunter2']);
    expect('warnings' in line && line.warnings.join('\n')).toMatch(/visible to other processes/);
    expect('warnings' in line && line.warnings.join('\n')).not.toContain('hunter2');
  });

  it.each([
    [['run'], { quiet: false, jsonOnly: false, format: 'json' }],
    [['run', '-q', '--format', 'text'], { quiet: true, jsonOnly: false, format: 'text' }],
    [['run', '--json-only', '--quiet'], { quiet: true, jsonOnly: true, format: 'json' }],
  ])('options %j', (argv, options) => {
    const line = parseCommandLine(argv);
    expect('options' in line && line.options).toEqual(options);
  });
});

describe('cli/args: help and version', () => {
  const rows: [string[], CommandLine][] = [
    [['--help'], { command: 'help', topic: undefined }],
    [['-h'], { command: 'help', topic: undefined }],
    [['help'], { command: 'help', topic: undefined }],
    [['help', 'run'], { command: 'help', topic: 'run' }],
    [['help', 'login'], { command: 'help', topic: 'login' }],
    [['plan', '--help'], { command: 'help', topic: 'plan' }],
    [['--version'], { command: 'version' }],
    [['run', '--version'], { command: 'version' }],
  ];
  it.each(rows)('%j', (argv, expected) => {
    expect(parseCommandLine(argv)).toEqual(expected);
  });
});

describe('cli/args: usage errors say what is wrong and how to fix it', () => {
  // [argv, message, hint]
  const rows: [string[], RegExp, RegExp | undefined][] = [
    [[], /No command given/, /ecr-build-push help/],
    [['biuld'], /Unknown command "biuld"/, /Commands: run, plan, login, help/],
    [['pln'], /Unknown command "pln"/, /Did you mean `plan`/],
    [['run', '--repo', 'x'], /Unknown flag --repo\./, /--repository/],
    [['run', '--regoin', 'x'], /Unknown flag --regoin/, /--region/],
    [['run', '--dryrun'], /Unknown flag --dryrun/, /--dry-run/],
    [['run', '--build-arguments', 'A=1'], /Unknown flag/, /--build-args/],
    [['run', '--no-pussh'], /Unknown flag --no-pussh/, /--no-push/],
    [['run', '-x'], /Unknown flag -x/, /help run/],
    [['run', '--repository'], /--repository needs a value/, /--repository VALUE/],
    [['run', '--repository', '--push'], /--repository needs a value \(got the flag --push\)/, undefined],
    [['run', '--push', 'maybe'], /Unexpected argument "maybe"/, undefined],
    [['run', '--push=maybe'], /--push takes true or false, got "maybe"/, /--no-push/],
    [['run', '--no-push=false'], /--no-push takes no value/, undefined],
    [['run', '--repository', 'a', '--repository', 'b'], /--repository is given twice/, /once/],
    [['run', '--push', '--no-push'], /--no-push is given twice/, undefined],
    [['run', 'extra'], /Unexpected argument "extra": run takes flags only/, /quotes/],
    [['run', '--format', 'xml'], /--format takes json or text/, undefined],
    [['plan', '--no-dry-run'], /always a dry run/, /run/],
    [['help', 'deploy'], /Unknown command "deploy"/, undefined],
  ];
  it.each(rows)('%j', (argv, message, hint) => {
    let error: unknown;
    try {
      parseCommandLine(argv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
    if (hint) expect((error as UsageError).hint).toMatch(hint);
  });

  it.each([
    ['repo', ['repository', 'repository-tags']],
    ['regoin', ['region']],
    ['tga', ['tag', 'tags']],
    ['zzzzzz', []],
  ])('closestNames(%s)', (name, expected) => {
    expect(
      closestNames(
        name,
        FLAGS.map((f) => f.name),
      ),
    ).toEqual(expected);
  });
});
