/** The help texts (stdout, exit 0). Pure. */
import type { Command } from './args.js';
import { EXIT } from './exit-code.js';
import { FLAGS, OPTIONS, type Flag } from './flags.js';

// action.yml's input descriptions (first sentence), embedded by scripts/bundle.mjs as JSON text
// (a string stays where it is used; an object define becomes a module every entry point loads,
// dist/main.js too); the sources run unbundled (unit tests) have none.
declare const ECR_BUILD_PUSH_INPUT_HELP: string | undefined;
const INPUT_HELP = (
  typeof ECR_BUILD_PUSH_INPUT_HELP === 'undefined' ? {} : JSON.parse(ECR_BUILD_PUSH_INPUT_HELP)
) as Readonly<Record<string, string>>;

const COMMAND_LINES: Record<Exclude<Command, 'help'>, string> = {
  run: 'build, tag and push (the action, main and post step in one)',
  plan: 'dry run: validate, resolve the tags, print the plan; read-only AWS calls only with credentials',
  login: 'assume the role and log docker in to the registry; no build, no Dockerfile, no git needed',
};

export function helpText(topic?: Exclude<Command, 'help'>): string {
  return topic ? commandHelp(topic) : overview();
}

function overview(): string {
  return `Usage: ecr-build-push COMMAND [FLAGS]

Commands:
${Object.entries(COMMAND_LINES)
  .map(([name, line]) => `  ${name.padEnd(7)}${line}`)
  .join('\n')}
  help   help COMMAND lists the flags of a command

Every action input is a flag of the same name: --repository NAME, --push / --no-push,
--build-args KEY=VALUE (repeatable). \`ecr-build-push help run\` lists them all.

${optionsBlock()}

Context (ref, commit, pull request, default branch) comes from GitHub Actions, GitLab CI,
Buildkite, Jenkins, CircleCI or Bitbucket Pipelines variables, else from git.
Credentials: --role-to-assume with a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, CircleCI's
CIRCLE_OIDC_TOKEN_V2), else the AWS SDK's default chain.

${exitCodes()}`;
}

function commandHelp(command: Exclude<Command, 'help'>): string {
  const inputs = FLAGS.filter((f) => f.input && f.name === f.input);
  const aliases = FLAGS.filter((f) => f.input && f.name !== f.input);
  const example: Record<typeof command, string> = {
    run: 'ecr-build-push run --role-to-assume arn:aws:iam::123456789012:role/ci --region eu-west-1 \\\n      --repository my-app -t "$VERSION" --build-arg COMMIT="$SHA"',
    plan: "ecr-build-push plan --repository my-app --tags 'type=semver,pattern={{version}}'",
    login: 'ecr-build-push login --region eu-west-1 --registry 123456789012',
  };
  return `Usage: ecr-build-push ${command} [FLAGS]

${COMMAND_LINES[command]}.${command === 'plan' ? ' Same flags as run; --dry-run is implied.' : ''}
${command === 'login' ? 'It reads the credential and target flags; the others are accepted and ignored.\n' : ''}
Example:
  ${example[command]}

Inputs (the action's inputs, same names and meaning; the README's Inputs table has more):
${inputs.map((f) => withHelp(f, INPUT_HELP[f.name])).join('\n')}

Aliases:
${aliases.map((f) => withHelp(f, `= --${f.input}: ${f.help}`)).join('\n')}

Lists take one item per flag (repeat the flag) or several lines in one value.
Switches take --NAME, --no-NAME, or --NAME true|false.

${optionsBlock()}

${exitCodes()}`;
}

function describe(flag: Flag): string {
  const names = [flag.short ? `-${flag.short}, ` : '', `--${flag.name}`].join('');
  // `--no-cache` negates as `--no-cache false` (there is no `--cache` switch: `cache` is a mode).
  const negatable = flag.input && !flag.name.startsWith('no-');
  if (flag.kind === 'boolean') return negatable ? `  ${names}, --no-${flag.name}` : `  ${names}`;
  return `  ${names} ${flag.placeholder ?? 'VALUE'}${flag.kind === 'list' ? ' ...' : ''}`;
}

/** The flag, then its help in a column (on a line of its own when the flag is long). */
function withHelp(flag: Flag, help: string | undefined): string {
  const names = describe(flag);
  if (!help) return names;
  return names.length < 34 ? `${names.padEnd(36)}${help}` : `${names}\n${' '.repeat(36)}${help}`;
}

function optionsBlock(): string {
  return `Options:\n${OPTIONS.map((f) => withHelp(f, f.help)).join('\n')}`;
}

function exitCodes(): string {
  return `Exit codes:
  ${EXIT.ok}    success          ${EXIT.failure}    failure          ${EXIT.usage}    usage or input error
  ${EXIT.scanGate}    scan gate failed ${EXIT.immutableConflict}    immutable tag conflict
  ${EXIT.sigint}  interrupted (SIGINT)             ${EXIT.sigterm}  terminated (SIGTERM)
stdout carries one JSON object (the action's outputs, typed; \`error\` on failure).`;
}
