/** `--format text`: a few lines for a person at a terminal instead of the JSON. Pure. */
import type { CliDocument } from './outputs.js';

interface PlanShape {
  dryRun?: boolean;
  mode?: 'build' | 'reuse';
  push?: string[];
  retag?: string[];
  unchanged?: string[];
  skipped?: { tag: string }[];
}

export function textSummary(doc: CliDocument, command: string): string {
  const rows: [string, string][] = [];
  const str = (name: string) => (typeof doc[name] === 'string' ? (doc[name] as string) : '');
  const list = (name: string) => (Array.isArray(doc[name]) ? (doc[name] as string[]) : []);
  if (str('image')) rows.push(['image', str('image')]);
  else if (str('repository-uri')) rows.push(['repository', str('repository-uri')]);
  else if (str('registry')) rows.push(['registry', str('registry')]);
  if (str('digest')) rows.push(['digest', str('digest')]);
  if (list('tag-names').length) rows.push(['tags', list('tag-names').join(', ')]);
  const done = command === 'login' ? loginDone(doc) : whatWasDone(doc);
  if (done) rows.push(['done', done]);
  if (doc.error) {
    rows.push(['error', doc.error.message]);
    if (doc.error.hint) rows.push(['hint', doc.error.hint]);
  }
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows
    .map(([key, value]) => `${key.padEnd(width)}${value.split('\n').join(`\n${' '.repeat(width)}`)}`)
    .join('\n');
}

function loginDone(doc: CliDocument): string {
  return doc.error ? '' : `docker logged in to ${String(doc.registry)}`;
}

function whatWasDone(doc: CliDocument): string {
  const plan = (doc.plan ?? {}) as PlanShape;
  const count = (tags: unknown[] | undefined, what: string) =>
    tags?.length ? `${tags.length} tag${tags.length === 1 ? '' : 's'}${what ? ` ${what}` : ''}` : '';
  const extra = [count(plan.unchanged, 'already there'), count(plan.skipped, 'skipped')].filter(Boolean);
  const tail = extra.length ? ` (${extra.join(', ')})` : '';
  if (plan.dryRun) {
    return plan.mode === 'reuse'
      ? `dry run: would re-tag the existing image with ${count(plan.retag, '') || 'no new tags'}${tail}`
      : `dry run: would build and push ${count(plan.push, '') || 'nothing'}${tail}`;
  }
  if (doc.error) return doc.pushed ? 'pushed, then failed' : 'nothing pushed';
  if (doc.reused)
    return `re-tagged the existing image: ${count(plan.retag, 'added') || 'no new tags'}${tail}`;
  if (doc.pushed) return `built and pushed ${count(plan.push, '') || 'the image'}${tail}`;
  return `built, not pushed${tail}`;
}
