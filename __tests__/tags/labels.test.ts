import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { planTags } from '../../src/tags/engine.js';
import { HEAD_SHA, NOW, pullRequest, pushBranch, pushTag, request, SHA } from './events.js';

const OCI = 'org.opencontainers.image';

describe('labels and annotations', () => {
  it('OCI defaults from the event payload', () => {
    const plan = planTags(pushTag('v1.2.3'), request());
    expect(plan.labels).toEqual({
      [`${OCI}.created`]: NOW.toISOString(),
      [`${OCI}.description`]: 'The app',
      [`${OCI}.licenses`]: 'Apache-2.0',
      [`${OCI}.revision`]: SHA,
      [`${OCI}.source`]: 'https://github.com/acme/app',
      [`${OCI}.title`]: 'app',
      [`${OCI}.url`]: 'https://github.com/acme/app',
      [`${OCI}.version`]: '1.2.3',
    });
    expect(plan.annotations).toEqual(plan.labels);
  });

  it('without repository metadata: derived from the server URL, empty ones left out', () => {
    const ctx = pushBranch('main', {
      repo: undefined,
      serverUrl: 'https://ghe.example.com/',
      repository: 'acme/app',
    });
    expect(planTags(ctx, request()).labels).toEqual({
      [`${OCI}.created`]: NOW.toISOString(),
      [`${OCI}.revision`]: SHA,
      [`${OCI}.source`]: 'https://ghe.example.com/acme/app',
      [`${OCI}.title`]: 'app',
      [`${OCI}.url`]: 'https://ghe.example.com/acme/app',
      [`${OCI}.version`]: SHA,
    });
  });

  it('revision is the commit tagged: the PR head with pr-head-sha', () => {
    const plan = planTags(pullRequest(7), request({ prHeadSha: true }));
    expect(plan.labels[`${OCI}.revision`]).toBe(HEAD_SHA);
    expect(plan.labels[`${OCI}.version`]).toBe('pr-7');
  });

  it('user labels override defaults; annotations take their own entries; expressions render', () => {
    const plan = planTags(
      pushBranch('main'),
      request({
        labels: [
          { key: `${OCI}.title`, value: 'Custom' },
          { key: 'maintainer', value: 'ops@acme.example' },
          { key: `${OCI}.created`, value: "{{commit_date 'YYYY-MM-DDTHH:mm:ss.SSS[Z]'}}" },
        ],
        annotations: [{ key: `${OCI}.vendor`, value: 'Acme on {{branch}}' }],
      }),
    );
    expect(plan.labels[`${OCI}.title`]).toBe('Custom');
    expect(plan.labels.maintainer).toBe('ops@acme.example');
    expect(plan.labels[`${OCI}.created`]).toBe('2020-01-09T18:04:12.000Z');
    expect(Object.keys(plan.labels)).toEqual(Object.keys(plan.labels).sort());
    expect(plan.annotations[`${OCI}.title`]).toBe('app');
    expect(plan.annotations[`${OCI}.vendor`]).toBe('Acme on main');
    expect(plan.labels[`${OCI}.vendor`]).toBeUndefined();
  });

  it('a label with an unknown expression renders it empty, with a warning (as metadata-action)', () => {
    const plan = planTags(pushBranch('main'), request({ labels: [{ key: 'built', value: 'at-{{dat}}' }] }));
    expect(plan.labels.built).toBe('at-');
    expect(plan.warnings).toEqual([
      expect.stringContaining(
        'labels built: unknown expression {{dat}} renders empty (Did you mean "date"?)',
      ),
    ]);
  });

  it('a label whose {{…}} expression cannot be read is an input error naming the label', () => {
    let error: unknown;
    try {
      planTags(pushBranch('main'), request({ labels: [{ key: 'built', value: '{{}}' }] }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('labels');
    expect((error as InputError).message).toContain('built={{}}');
  });

  it('userAnnotations: only what the user gave, rendered (what a built image gets and the output lists)', () => {
    const plan = planTags(
      pushBranch('main'),
      request({ annotations: [{ key: 'manifest:org.opencontainers.image.revision', value: '{{sha}}' }] }),
    );
    expect(plan.userAnnotations).toEqual({ 'manifest:org.opencontainers.image.revision': SHA.slice(0, 7) });
    // The OCI defaults stay for a composed index (merge-digests).
    expect(plan.annotations[`${OCI}.created`]).toBe(NOW.toISOString());
  });
});
