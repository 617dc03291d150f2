import { describe, expect, it } from 'vitest';
import { buildInputs } from '../support/helpers.js';
import type { BuildInputs } from '../../src/inputs/types.js';
import { buildFingerprint } from '../../src/plan/fingerprint.js';

describe('plan/fingerprint', () => {
  const build = (overrides: Partial<BuildInputs> = {}) =>
    buildInputs({
      file: 'Dockerfile',
      target: 'runtime',
      buildArgs: [
        { key: 'NODE_VERSION', value: '20' },
        { key: 'APP_ENV', value: 'prod' },
      ],
      secrets: [{ key: 'npm', value: 'secret-value' }],
      secretFiles: [{ key: 'gh', value: 'secrets/gh.txt' }],
      labels: [{ key: 'team', value: 'core' }],
      platforms: ['linux/amd64', 'linux/arm64'],
      ...overrides,
    });

  const BASE = buildFingerprint(build());

  describe('buildFingerprint', () => {
    it('is stable: same inputs → same value', () => {
      expect(buildFingerprint(build())).toBe(BASE);
      expect(BASE).toMatch(/^[0-9a-f]{32}$/);
    });

    // change → same fingerprint?
    const rows: [string, Partial<BuildInputs>, boolean][] = [
      [
        'build-arg value',
        {
          buildArgs: [
            { key: 'NODE_VERSION', value: '22' },
            { key: 'APP_ENV', value: 'prod' },
          ],
        },
        false,
      ],
      ['build-arg added', { buildArgs: [...build().buildArgs, { key: 'X', value: '1' }] }, false],
      ['build-arg removed', { buildArgs: [{ key: 'NODE_VERSION', value: '20' }] }, false],
      ['build-arg order', { buildArgs: [...build().buildArgs].reverse() }, true],
      ['target', { target: 'debug' }, false],
      ['target removed', { target: undefined }, false],
      ['platform added', { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] }, false],
      ['platform changed', { platforms: ['linux/amd64'] }, false],
      ['platform order', { platforms: ['linux/arm64', 'linux/amd64'] }, true],
      ['Dockerfile', { file: 'docker/prod.Dockerfile' }, false],
      ['context', { context: 'app' }, false],
      ['provenance', { provenance: 'mode=max' }, false],
      ['sbom', { sbom: 'true' }, false],
      ['secret id added', { secrets: [...build().secrets, { key: 'pip', value: 'x' }] }, false],
      ['secret value changed', { secrets: [{ key: 'npm', value: 'rotated-secret' }] }, true],
      ['label changed', { labels: [{ key: 'team', value: 'platform' }] }, false],
      [
        'label added',
        { labels: [...build().labels, { key: 'org.opencontainers.image.created', value: '2024-05-01' }] },
        true,
      ],
      ['annotation added', { annotations: [{ key: 'org.opencontainers.image.title', value: 'x' }] }, false],
      ['push/load', { push: false, load: true }, true],
      ['no-cache and pull', { noCache: true, pull: true }, true],
      ['cache settings', { cache: 'registry', cacheFrom: ['type=gha'], cacheTo: ['type=gha'] }, true],
    ];
    it('the Dockerfile bytes count, wherever the file lives', () => {
      expect(buildFingerprint(build(), 'FROM scratch')).not.toBe(
        buildFingerprint(build(), 'FROM scratch\nCOPY . /'),
      );
      expect(buildFingerprint(build(), 'FROM scratch')).toBe(buildFingerprint(build(), 'FROM scratch'));
    });

    it.each(rows)('%s → same: %s', (_name, change, same) => {
      const fp = buildFingerprint(build(change));
      if (same) expect(fp).toBe(BASE);
      else expect(fp).not.toBe(BASE);
    });
  });
});
