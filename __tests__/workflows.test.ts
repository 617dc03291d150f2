/**
 * The reusable workflow is a second door to the action: its inputs, the values it passes and
 * the outputs it wires must stay equal to action.yml's. Also checks the example callers and
 * the act event files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
const readYaml = <T>(path: string): T => parse(readFileSync(join(ROOT, path), 'utf8')) as T;

interface ActionSpec {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>;
  outputs: Record<string, { description: string }>;
}
interface WorkflowInput {
  type: 'string' | 'boolean' | 'number';
  default?: string | boolean | number;
  required?: boolean;
}
interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, string> | 'inherit';
}
interface Workflow {
  on: {
    workflow_call: {
      inputs: Record<string, WorkflowInput>;
      secrets?: Record<string, { required?: boolean }>;
      outputs: Record<string, { value: string }>;
    };
  };
  jobs: Record<string, Job>;
}

const REUSABLE = '.github/workflows/ecr-build-push.yml';
/** How callers in other repositories use the action. */
const ACTION_REF = 'ecr-build-push/ecr-build-push@v1';
/** How the reusable workflow uses it: this repository at the running commit. */
const SELF_REF = '$/';
const REUSABLE_REF = `ecr-build-push/ecr-build-push/${REUSABLE}@v1`;

/** Action inputs the workflow does not take as inputs, and why. */
const NOT_MIRRORED: Record<string, string> = {
  // A secret value must not travel as an input: it is the workflow secret BUILD_SECRETS.
  secrets: 'passed from secrets.BUILD_SECRETS',
  // It names variables of the step's environment, which a caller cannot set in a called workflow.
  'secret-envs': 'no caller-set step environment',
  // The job ends after the action: no later step could use exported credentials...
  'export-credentials': 'no later step',
  // ...or an image loaded into this runner's engine.
  load: 'no later step',
  // A token must not travel as an input; the called job has its own github.token.
  'github-token': 'no secret as an input',
};
/** The action's `secrets` input comes from this workflow secret. */
const SECRET_INPUTS: Record<string, string> = { secrets: 'BUILD_SECRETS' };
/** Inputs that configure the workflow's job, not the action. */
const WORKFLOW_ONLY = ['runs-on', 'environment', 'qemu'];
/** Boolean-looking action defaults whose workflow input is a string (takes more than true/false). */
const STRING_NOT_BOOLEAN = ['provenance', 'sbom'];
/** Outputs every caller relies on (issue: digest, image, tags, version, platform-digests, pushed). */
const REQUIRED_OUTPUTS = ['digest', 'image', 'tags', 'version', 'platform-digests', 'pushed'];

const action = readYaml<ActionSpec>('action.yml');
const workflow = readYaml<Workflow>(REUSABLE);
const call = workflow.on.workflow_call;
const actionInputs = Object.keys(action.inputs);
const mirrored = actionInputs.filter((name) => !(name in NOT_MIRRORED));
const [jobName, job] = Object.entries(workflow.jobs)[0]!;
const steps = job.steps ?? [];
const actionStep = steps.find((s) => s.uses === SELF_REF);

/** `${{ inputs.x }}` → x (exactly one expression, nothing around it). */
function expressionOf(value: unknown, context: string): string | undefined {
  const match = new RegExp(`^\\$\\{\\{\\s*${context.replace(/\./g, '\\.')}\\.([\\w-]+)\\s*\\}\\}$`).exec(
    String(value),
  );
  return match?.[1];
}

describe('reusable workflow inputs mirror action.yml', () => {
  it('the exclusion lists name real action inputs', () => {
    for (const name of Object.keys(NOT_MIRRORED)) expect(actionInputs).toContain(name);
    for (const name of STRING_NOT_BOOLEAN) expect(actionInputs).toContain(name);
    for (const name of WORKFLOW_ONLY) expect(actionInputs).not.toContain(name);
  });

  it('every action input except the exclusions is a workflow input', () => {
    const missing = mirrored.filter((name) => !(name in call.inputs));
    expect(missing).toEqual([]);
  });

  it('every workflow input is an action input (or one of the workflow-only inputs)', () => {
    const extra = Object.keys(call.inputs).filter(
      (name) => !mirrored.includes(name) && !WORKFLOW_ONLY.includes(name),
    );
    expect(extra).toEqual([]);
  });

  it.each(mirrored)('%s has a fitting type and the same default', (name) => {
    const ours = call.inputs[name]!;
    const theirs = action.inputs[name]!;
    expect(['string', 'boolean', 'number']).toContain(ours.type);
    expect(ours.required ?? false).toBe(theirs.required ?? false);
    if (theirs.default === undefined || theirs.default === '') {
      expect(ours.default ?? '').toBe('');
    } else {
      expect(String(ours.default)).toBe(theirs.default);
    }
    const looksBoolean = theirs.default === 'true' || theirs.default === 'false';
    if (ours.type === 'boolean') expect(typeof ours.default).toBe('boolean');
    if (ours.type === 'number') expect(theirs.default).toMatch(/^\d+$/);
    if (looksBoolean && !STRING_NOT_BOOLEAN.includes(name)) expect(ours.type).toBe('boolean');
    if (/^\d+$/.test(theirs.default ?? '')) expect(ours.type).toBe('number');
  });
});

describe('reusable workflow passes every input to the action', () => {
  it("has the caller's checkout, then the action", () => {
    expect(actionStep).toBeDefined();
    const checkout = steps.findIndex((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout).toBeGreaterThanOrEqual(0);
    expect(steps[checkout]!.with?.repository).toBeUndefined();
    expect(checkout).toBeLessThan(steps.indexOf(actionStep!));
  });

  it('qemu: binfmt registration before the build, only when asked', () => {
    const qemu = steps.findIndex((s) => s.uses?.startsWith('docker/setup-qemu-action@'));
    expect(qemu).toBeGreaterThanOrEqual(0);
    expect((steps[qemu] as Step & { if?: string }).if).toBe('inputs.qemu');
    expect(qemu).toBeLessThan(steps.indexOf(actionStep!));
    expect(call.inputs.qemu).toMatchObject({ type: 'boolean', default: false });
  });

  it('maps each mirrored input to ${{ inputs.<same name> }}', () => {
    const passed = actionStep!.with ?? {};
    for (const name of mirrored) expect(expressionOf(passed[name], 'inputs'), name).toBe(name);
  });

  it('passes secret inputs from declared workflow secrets', () => {
    const passed = actionStep!.with ?? {};
    for (const [input, secret] of Object.entries(SECRET_INPUTS)) {
      expect(expressionOf(passed[input], 'secrets')).toBe(secret);
      expect(call.secrets?.[secret]).toBeDefined();
      expect(call.secrets?.[secret]?.required ?? false).toBe(false);
    }
  });

  it('passes nothing else: no unknown with: key, workflow-only inputs stay in the workflow', () => {
    const keys = Object.keys(actionStep!.with ?? {}).sort();
    expect(keys).toEqual([...mirrored, ...Object.keys(SECRET_INPUTS)].sort());
  });
});

describe('reusable workflows run the action of their own commit', () => {
  const dir = '.github/workflows';
  const reusable = readdirSync(join(ROOT, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => ({ file: `${dir}/${f}`, wf: readYaml<Workflow & { on: unknown }>(`${dir}/${f}`) }))
    .filter(({ wf }) => typeof wf.on === 'object' && wf.on !== null && 'workflow_call' in wf.on);

  it('the ecr-build-push workflow is among them', () => {
    expect(reusable.map((r) => r.file)).toContain(REUSABLE);
  });

  // A moving tag (`owner/repo@v1`) inside a reusable workflow runs whatever the tag names
  // today, whatever commit the caller pinned: every use of this repository must be `$/`.
  it.each(reusable.map((r) => [r.file, r.wf] as const))('%s uses this repository only as $/', (_file, wf) => {
    const uses = Object.values(wf.jobs).flatMap((j) => [j.uses, ...(j.steps ?? []).map((s) => s.uses)]);
    const self = uses.filter(
      (u): u is string => typeof u === 'string' && /^ecr-build-push\/ecr-build-push\b/.test(u),
    );
    expect(self).toEqual([]);
    expect(uses.some((u) => typeof u === 'string' && u.startsWith('$/'))).toBe(true);
  });

  it('$/ is the action at the repository root: the workflow and the action are one commit', () => {
    expect(actionStep?.uses).toBe(SELF_REF);
    expect(readYaml<{ runs: { main: string } }>('action.yml').runs.main).toBe('dist/main.js');
  });

  it("the README's GHES fallback checks out the workflow's own commit and uses that path", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Reusable workflow on GHES'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const fallback = parse(block!) as Step[];
    const [checkout, ship] = fallback;
    expect(checkout!.uses).toMatch(/^actions\/checkout@/);
    expect(checkout!.with).toMatchObject({
      repository: '${{ job.workflow_repository }}',
      ref: '${{ job.workflow_sha }}',
      'persist-credentials': false,
    });
    expect(ship!.id).toBe(actionStep!.id);
    expect(ship!.uses).toBe(`./${String(checkout!.with!.path)}`);
  });
});

describe('reusable workflow outputs', () => {
  it('declares the outputs callers rely on', () => {
    for (const name of REQUIRED_OUTPUTS) expect(call.outputs).toHaveProperty(name);
  });

  it.each(Object.keys(call.outputs))('%s is wired job output -> step output of action.yml', (name) => {
    const jobOutput = new RegExp(`^\\$\\{\\{\\s*jobs\\.${jobName}\\.outputs\\.([\\w-]+)\\s*\\}\\}$`).exec(
      call.outputs[name]!.value,
    )?.[1];
    expect(jobOutput).toBe(name);
    const stepOutput = new RegExp(
      `^\\$\\{\\{\\s*steps\\.${actionStep!.id}\\.outputs\\.([\\w-]+)\\s*\\}\\}$`,
    ).exec(job.outputs?.[name] ?? '')?.[1];
    expect(stepOutput).toBe(name);
    expect(Object.keys(action.outputs)).toContain(stepOutput);
  });
});

describe('reusable workflow permissions', () => {
  it('grants the job id-token: write and contents: read, nothing else', () => {
    expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
  });
});

const MULTI_ARCH = '.github/workflows/multi-arch.yml';
const multiArch = readYaml<Workflow & { jobs: Record<string, Job & { needs?: string }> }>(MULTI_ARCH);
/** The reusable workflows a caller may use, by their `uses:` reference. */
const CALLABLE: Record<string, Workflow['on']['workflow_call']> = {
  [REUSABLE_REF]: call,
  [`ecr-build-push/ecr-build-push/${MULTI_ARCH}@v1`]: multiArch.on.workflow_call,
};

describe('multi-arch workflow: native fan-out, merge by digest', () => {
  const { build, merge } = multiArch.jobs as Record<string, Job & { needs?: string }>;
  const buildStep = build!.steps!.find((s) => s.id === 'ship')!;
  const mergeStep = merge!.steps!.find((s) => s.id === 'ship')!;

  it('both jobs run the action of this very commit', () => {
    expect(buildStep.uses).toBe('$/');
    expect(mergeStep.uses).toBe('$/');
  });

  it('passes only real action inputs, and every workflow input it passes exists', () => {
    for (const step of [buildStep, mergeStep]) {
      for (const [key, value] of Object.entries(step.with ?? {})) {
        expect(actionInputs, key).toContain(key);
        for (const [, input] of String(value).matchAll(/inputs\.([\w-]+)/g))
          expect(Object.keys(multiArch.on.workflow_call.inputs)).toContain(input);
      }
    }
  });

  it('each leg pushes its platform by digest; the merge builds nothing and lists every leg output', () => {
    expect(buildStep.with).toMatchObject({ 'push-by-digest': true, platforms: '${{ matrix.platform }}' });
    expect(merge!.needs).toBe('build');
    expect(mergeStep.with).not.toHaveProperty('context');
    const legs = Object.keys(build!.outputs ?? {});
    const listed = [
      ...String(mergeStep.with!['merge-digests']).matchAll(/needs\.build\.outputs\.([\w-]+)/g),
    ].map((m) => m[1]);
    expect(listed).toEqual(legs);
    // Output NAME holds "PLATFORM=DIGEST" for the leg whose platform is NAME with / as -.
    for (const [name, value] of Object.entries(build!.outputs ?? {})) {
      const platform = /matrix\.platform == '([^']+)'/.exec(value)![1]!;
      expect(platform.replace(/\//g, '-')).toBe(name);
      expect(value).toContain(`format('${platform}={0}', steps.ship.outputs.digest)`);
    }
  });

  it('the default matrix builds amd64 and arm64 on native runners', () => {
    const platforms = JSON.parse(String(multiArch.on.workflow_call.inputs.platforms!.default)) as {
      platform: string;
      'runs-on': string;
    }[];
    expect(platforms).toEqual([
      { platform: 'linux/amd64', 'runs-on': 'ubuntu-24.04' },
      { platform: 'linux/arm64', 'runs-on': 'ubuntu-24.04-arm' },
    ]);
  });

  it('the workflow outputs come from the merge job', () => {
    for (const [name, output] of Object.entries(multiArch.on.workflow_call.outputs))
      expect(output.value).toBe(`\${{ jobs.merge.outputs.${name} }}`);
  });
});

describe('example workflows use only real inputs and outputs', () => {
  const dir = 'examples/workflows';
  const files = readdirSync(join(ROOT, dir)).filter((f) => /\.ya?ml$/.test(f));

  it('exist: monorepo matrix, release, single step', () => {
    expect(files).toEqual(expect.arrayContaining(['monorepo-matrix.yml', 'release.yml', 'single-step.yml']));
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(join(ROOT, dir, file), 'utf8');
    const wf = parse(text) as Workflow;
    for (const [name, j] of Object.entries(wf.jobs)) {
      if (j.uses) {
        const called = CALLABLE[j.uses];
        expect(called, `${file}: job ${name} calls ${j.uses}`).toBeDefined();
        for (const key of Object.keys(j.with ?? {}))
          expect(Object.keys(called!.inputs), `${file}: ${key}`).toContain(key);
        if (j.secrets && j.secrets !== 'inherit') {
          for (const key of Object.keys(j.secrets)) expect(Object.keys(call.secrets ?? {})).toContain(key);
        }
        expect(j.permissions?.['id-token'], `${file}: job ${name} must grant id-token: write`).toBe('write');
      }
      for (const step of j.steps ?? []) {
        if (step.uses === ACTION_REF || step.uses === './') {
          for (const key of Object.keys(step.with ?? {}))
            expect(actionInputs, `${file}: ${key}`).toContain(key);
          expect(j.permissions?.['id-token'], `${file}: job ${name} must grant id-token: write`).toBe(
            'write',
          );
        }
      }
    }
    // Outputs read from the action's step or from a job calling the reusable workflow.
    for (const [, output] of text.matchAll(/steps\.ship\.outputs\.([\w-]+)/g)) {
      expect(Object.keys(action.outputs)).toContain(output);
    }
    for (const [, output] of text.matchAll(/needs\.image\.outputs\.([\w-]+)/g)) {
      expect(Object.keys(call.outputs)).toContain(output);
    }
  });
});

describe('act event files', () => {
  const dir = 'examples/act';
  const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.json'));
  const SHA = /^[0-9a-f]{40}$/;

  /** GITHUB_REF as act derives it: `ref` for pushes, refs/pull/N/merge from `number` for pull requests. */
  function actRef(event: Record<string, unknown>): string | undefined {
    if ('pull_request' in event)
      return typeof event.number === 'number' ? `refs/pull/${event.number}/merge` : undefined;
    return typeof event.ref === 'string' ? event.ref : undefined;
  }

  it('ship a branch push, a tag push and a pull request', () => {
    expect(files).toEqual(
      expect.arrayContaining(['push-main.json', 'tag-v1.2.3.json', 'pull-request-7.json']),
    );
  });

  it.each(files)('%s parses and resolves to a ref', (file) => {
    const event = JSON.parse(readFileSync(join(ROOT, dir, file), 'utf8')) as Record<string, unknown>;
    expect(actRef(event)).toMatch(/^refs\/(heads|tags|pull)\/.+/);
    const repository = event.repository as { default_branch?: string; full_name?: string };
    expect(repository.default_branch).toBeTruthy();
    expect(repository.full_name).toMatch(/^[\w.-]+\/[\w.-]+$/);
    if ('pull_request' in event) {
      const pr = event.pull_request as { number: number; head: { sha: string } };
      expect(pr.number).toBe(event.number);
      expect(pr.head.sha).toMatch(SHA);
    } else {
      // act takes GITHUB_SHA from `after` when `deleted` is false.
      expect(event.deleted).toBe(false);
      expect(event.after).toMatch(SHA);
      const head = event.head_commit as { id: string; timestamp: string };
      expect(head.id).toBe(event.after);
      expect(Number.isNaN(Date.parse(head.timestamp))).toBe(false);
    }
  });

  it('tag-v1.2.3.json is the v1.2.3 tag push', () => {
    const event = JSON.parse(readFileSync(join(ROOT, dir, 'tag-v1.2.3.json'), 'utf8')) as { ref: string };
    expect(event.ref).toBe('refs/tags/v1.2.3');
  });
});
