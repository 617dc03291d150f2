#!/usr/bin/env node
// Validates action.yml and every workflow file with action-validator (the same WebAssembly
// validator its CLI wraps, called in-process for structured errors), then prints one line
// per problem and exits 1 when there is any.
//
//   node scripts/validate.mjs            action.yml, .github/workflows/*, examples/workflows/*
//   node scripts/validate.mjs FILE...    only those files (action.yml/action.yaml by name)
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import validator from '@action-validator/core';
import { parseDocument } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { version } = require('@action-validator/core/package.json');

const WORKFLOW_DIRS = ['.github/workflows', 'examples/workflows'];

// The validator's bundled schema predates node24 (0.6.0 knows node12/16/20), which is the
// runtime hosted runners use now. action.yml is validated as if it said node20 and the
// runtime is checked against this list instead; every other field goes through the schema.
const RUNTIMES = ['node20', 'node24', 'composite', 'docker'];
const SCHEMA_RUNTIME = 'node20';

function defaultFiles() {
  const files = ['action.yml'];
  for (const dir of WORKFLOW_DIRS) {
    const abs = path.join(root, dir);
    if (!existsSync(abs)) continue;
    for (const name of readdirSync(abs).sort()) {
      if (/\.ya?ml$/.test(name)) files.push(path.join(dir, name));
    }
  }
  return files;
}

const isAction = (file) => /^action\.ya?ml$/.test(path.basename(file));

/** Problems of one file, as `path: message` strings. */
function validateFile(file) {
  const source = readFileSync(path.resolve(root, file), 'utf8');
  const value = valueAt(source);
  if (!isAction(file))
    return [...describe(validator.validateWorkflow(source).errors, value), ...checkUses(source)];

  const problems = [];
  let checked = source;
  const doc = parseDocument(source);
  const using = doc.errors.length === 0 ? doc.getIn(['runs', 'using']) : undefined;
  if (typeof using === 'string') {
    if (!RUNTIMES.includes(using))
      problems.push(`/runs/using: "${using}" is not one of ${RUNTIMES.join(', ')}`);
    else if (using.startsWith('node') && using !== SCHEMA_RUNTIME) {
      doc.setIn(['runs', 'using'], SCHEMA_RUNTIME);
      checked = doc.toString();
    }
  }
  return [...problems, ...describe(validator.validateAction(checked).errors, value)];
}

// The schema takes any string for `uses`; GitHub does not. Its forms: `./path` (a checkout
// path: it may only exist at run time), `$/path` (this repository at the running commit, no
// ref: the path must exist here), `owner/repo[/path]@ref`, and for steps `docker://image`.
const SELF = /^\$\/(.*)$/;
const REMOTE_STEP = /^[\w.-]+\/[\w.-]+(\/[^@\s]+)?@[^@\s]+$/;
const REMOTE_WORKFLOW = /^[\w.-]+\/[\w.-]+\/\.github\/workflows\/[^@\s/]+\.ya?ml@[^@\s]+$/;
const LOCAL_WORKFLOW = /^\.\/\.github\/workflows\/[^@\s/]+\.ya?ml$/;

/** Problems with the `uses:` of every job and step, as `pointer: message` strings. */
function checkUses(source) {
  let data;
  try {
    data = parseDocument(source).toJS();
  } catch {
    return [];
  }
  const problems = [];
  for (const [id, job] of Object.entries(data?.jobs ?? {})) {
    if (typeof job?.uses === 'string') {
      const problem = usesProblem(job.uses, 'workflow');
      if (problem) problems.push(`/jobs/${id}/uses: ${JSON.stringify(job.uses)} ${problem}`);
    }
    (Array.isArray(job?.steps) ? job.steps : []).forEach((step, i) => {
      if (typeof step?.uses !== 'string') return;
      const problem = usesProblem(step.uses, 'action');
      if (problem) problems.push(`/jobs/${id}/steps/${i}/uses: ${JSON.stringify(step.uses)} ${problem}`);
    });
  }
  return problems;
}

function usesProblem(uses, kind) {
  const self = SELF.exec(uses);
  if (self) {
    const target = self[1].replace(/\/+$/, '');
    if (target.includes('@')) return 'takes no @ref: `$/` always means the running commit';
    const abs = path.join(root, target);
    if (kind === 'workflow') {
      return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(target) && existsSync(abs)
        ? undefined
        : 'names no workflow of this repository (expected $/.github/workflows/FILE.yml)';
    }
    return existsSync(path.join(abs, 'action.yml')) || existsSync(path.join(abs, 'action.yaml'))
      ? undefined
      : `names no action of this repository (no ${target ? `${target}/` : ''}action.yml)`;
  }
  if (kind === 'workflow') {
    return REMOTE_WORKFLOW.test(uses) || LOCAL_WORKFLOW.test(uses)
      ? undefined
      : 'is not a workflow reference (OWNER/REPO/.github/workflows/FILE.yml@REF, ./.github/workflows/FILE.yml or $/.github/workflows/FILE.yml)';
  }
  if (uses.startsWith('./') || uses.startsWith('docker://')) return undefined;
  return REMOTE_STEP.test(uses)
    ? undefined
    : 'is not an action reference (OWNER/REPO[/PATH]@REF, ./PATH, $/PATH or docker://IMAGE)';
}

/** Looks up a JSON pointer (`/jobs/build/permissions/id-token`) in the file, for messages. */
function valueAt(source) {
  let data;
  try {
    data = parseDocument(source).toJS();
  } catch {
    data = undefined;
  }
  return (pointer) =>
    pointer
      .split('/')
      .slice(1)
      .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((node, key) => (node !== null && typeof node === 'object' ? node[key] : undefined), data);
}

/**
 * Flattens the validator's errors. A `one_of` failure lists every alternative the schema
 * offered (a job is a normal job or a reusable-workflow call; a container is a string or a
 * mapping): the alternative with the fewest problems, then the deepest ones, is the one the
 * author meant.
 */
function describe(errors, value) {
  return leaves(errors, value).map((leaf) => leaf.text);
}

function leaves(errors, value) {
  return errors.flatMap((error) => {
    if (error.code === 'parse_error') {
      const at = error.location ? ` (line ${error.location.line}, column ${error.location.column})` : '';
      return [{ depth: 0, text: `YAML does not parse${at}: ${error.detail}` }];
    }
    if (error.states?.length) {
      const depth = (option) => option.reduce((sum, leaf) => sum + leaf.depth, 0);
      const options = error.states.map((state) => leaves(state.errors, value));
      return options.reduce((best, option) =>
        option.length < best.length || (option.length === best.length && depth(option) > depth(best))
          ? option
          : best,
      );
    }
    const where = error.path || '/';
    const found = value(where);
    const shown = ['enum', 'const', 'wrong_type', 'pattern'].includes(error.code) && found !== undefined;
    const got = shown ? ` (found ${JSON.stringify(found)})` : '';
    return [
      {
        depth: where.split('/').length,
        text: `${where}: ${error.title}${error.detail ? ` - ${error.detail}` : ''}${got}`,
      },
    ];
  });
}

const files = process.argv.length > 2 ? process.argv.slice(2) : defaultFiles();
let failed = 0;
for (const file of files) {
  let problems;
  try {
    problems = validateFile(file);
  } catch (error) {
    problems = [`cannot validate: ${error instanceof Error ? error.message : String(error)}`];
  }
  if (problems.length === 0) {
    console.log(`ok    ${file}`);
    continue;
  }
  failed++;
  console.error(`FAIL  ${file}`);
  for (const problem of [...new Set(problems)]) console.error(`      ${problem}`);
}

console.log(`action-validator ${version}: ${files.length - failed} valid, ${failed} invalid`);
process.exit(failed ? 1 : 0);
