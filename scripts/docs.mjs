#!/usr/bin/env node
// Writes the Inputs and Outputs tables of README.md from action.yml, between the markers
//   <!-- action-inputs --> ... <!-- /action-inputs -->
//   <!-- action-outputs --> ... <!-- /action-outputs -->
// Inputs are grouped by the `# --- Group ---` comments of action.yml.
//
//   node scripts/docs.mjs           rewrite README.md
//   node scripts/docs.mjs --check   exit 1 when README.md is not what action.yml gives
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const README = path.join(root, 'README.md');

/** A table cell: one line, pipes escaped. */
const cell = (text) =>
  String(text)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|');
const code = (text) => `\`${cell(text)}\``;

/** `# --- AWS credentials ----` → `AWS credentials`. */
function groupName(comment) {
  const match = comment && /---\s*(.+?)\s*-{3,}/.exec(comment);
  return match ? match[1] : undefined;
}

function inputsTable(inputs) {
  const lines = [];
  let group = groupName(inputs.commentBefore);
  const header = () => {
    if (group) lines.push(`**${group}**`, '');
    lines.push('| Input | Default | Description |', '| --- | --- | --- |');
  };
  header();
  for (const pair of inputs.items) {
    const next = groupName(pair.key.commentBefore);
    if (next && next !== group) {
      group = next;
      lines.push('');
      header();
    }
    const spec = pair.value.toJSON();
    const name = pair.key.value;
    const fallback = spec.default === undefined || spec.default === '' ? '' : code(spec.default);
    const required = spec.required === true ? ' **Required.**' : '';
    lines.push(`| ${code(name)} | ${fallback} | ${cell(spec.description ?? '')}${required} |`);
  }
  return lines.join('\n');
}

function outputsTable(outputs) {
  const lines = ['| Output | Description |', '| --- | --- |'];
  for (const pair of outputs.items) {
    lines.push(`| ${code(pair.key.value)} | ${cell(pair.value.toJSON().description ?? '')} |`);
  }
  return lines.join('\n');
}

function replaceBetween(text, marker, body) {
  const open = `<!-- ${marker} -->`;
  const close = `<!-- /${marker} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} ... ${close} block`);
  return `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`;
}

export function renderReadme(readme, actionYaml) {
  const doc = parseDocument(actionYaml);
  if (doc.errors.length) throw new Error(`action.yml does not parse: ${doc.errors[0].message}`);
  const withInputs = replaceBetween(readme, 'action-inputs', inputsTable(doc.get('inputs')));
  return replaceBetween(withInputs, 'action-outputs', outputsTable(doc.get('outputs')));
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const current = readFileSync(README, 'utf8');
  const wanted = renderReadme(current, readFileSync(path.join(root, 'action.yml'), 'utf8'));
  if (process.argv.includes('--check')) {
    if (wanted !== current) {
      console.error('README.md: the Inputs/Outputs tables differ from action.yml. Run `npm run docs`.');
      process.exit(1);
    }
    console.log('README.md tables match action.yml');
  } else if (wanted !== current) {
    writeFileSync(README, wanted);
    console.log('README.md: Inputs and Outputs tables rewritten from action.yml');
  } else {
    console.log('README.md: tables already up to date');
  }
}
