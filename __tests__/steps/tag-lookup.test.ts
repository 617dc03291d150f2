import { describe, expect, it } from 'vitest';
import type { Ecr } from '../../src/aws/ecr.js';
import { EcrError } from '../../src/errors.js';
import { newLog } from '../../src/report/log.js';
import { planTags } from '../../src/tags/engine.js';
import { lookUpTags, readPlannedTags } from '../../src/steps/tag-lookup.js';
import type { StoredImage } from '../../src/types/registry.js';
import { pushTag, request, SHA } from '../tags/events.js';

interface Case {
  name: string;
  /** The release being pushed (latest=auto adds `latest` for it). */
  version: string;
  /** What ListImages answers, or 'denied'. */
  repositoryTags: string[] | 'denied';
  tags: string[];
  calls: string[];
  denied?: string[];
}

const cases: Case[] = [
  {
    name: 'a newer release: latest is withheld',
    version: 'v1.2.3',
    repositoryTags: ['2.0.0', 'latest'],
    tags: ['1.2.3', '1.2', '1', SHA],
    calls: ['ecr:BatchGetImage', 'ecr:ListImages'],
  },
  {
    name: 'the newest release: latest stays',
    version: 'v3.0.0',
    repositoryTags: ['2.0.0', 'latest'],
    tags: ['3.0.0', '3.0', '3', SHA, 'latest'],
    calls: ['ecr:BatchGetImage', 'ecr:ListImages'],
  },
  {
    name: 'ListImages refused: latest stays, the refusal is noted',
    version: 'v1.2.3',
    repositoryTags: 'denied',
    tags: ['1.2.3', '1.2', '1', SHA, 'latest'],
    calls: ['ecr:BatchGetImage', 'ecr:ListImages'],
    denied: ['ListImages'],
  },
];

function fakeEcr(repositoryTags: Case['repositoryTags'], existing: Map<string, StoredImage>): Ecr {
  const ecr: Pick<Ecr, 'imagesByTag' | 'allTags'> = {
    imagesByTag: async () => existing,
    allTags: async () => {
      if (repositoryTags === 'denied')
        throw new EcrError('Access denied to ecr:ListImages on app.', undefined, 'EcrAccessDenied');
      return repositoryTags;
    },
  };
  return ecr as Ecr;
}

describe('lookUpTags: the planned tags against the registry', () => {
  it.each(cases)('$name', async (c) => {
    const planned = planTags(pushTag(c.version), request({ rules: '', flavor: '', prHeadSha: false }));
    const existing = new Map<string, StoredImage>();
    const log = newLog();
    const calls: string[] = [];
    const lookup = await lookUpTags(planned, fakeEcr(c.repositoryTags, existing), log, calls);
    expect(lookup.tags.tags).toEqual(c.tags);
    expect(lookup.existing).toBe(existing);
    expect(calls).toEqual(c.calls);
    expect(log.denied.map((d) => d.operation)).toEqual(c.denied ?? []);
    expect(log.awsCalls).toEqual([]);
  });

  it('a branch push asks no ListImages; readPlannedTags logs its calls and its time', async () => {
    const planned = planTags(pushTag('not-a-version'), request({ rules: '', flavor: '', prHeadSha: false }));
    expect(planned.latestGuard).toBeUndefined();
    const log = newLog();
    const lookup = await readPlannedTags(planned, fakeEcr('denied', new Map()), log);
    expect(lookup.tags).toBe(planned);
    expect(log.awsCalls).toEqual(['ecr:BatchGetImage']);
    expect(log.timings.ecr).toBeGreaterThanOrEqual(0);
  });
});
