import { describe, expect, it } from 'vitest';
import { seedDockerConfig } from '../../src/docker/docker-config.js';

const HUB = { auth: Buffer.from('me:dckr_pat_x').toString('base64') };

// name, the user's config.json, the private config the job starts from
const CASES: [string, string | undefined, object][] = [
  ['no user config', undefined, {}],
  ['unreadable JSON', '{not json', {}],
  ['not an object', '[]', {}],
  [
    'docker/login-action for Docker Hub',
    JSON.stringify({ auths: { 'https://index.docker.io/v1/': HUB } }),
    { auths: { 'https://index.docker.io/v1/': HUB } },
  ],
  [
    'credential helpers are kept, other settings are not (a context the private dir does not hold)',
    JSON.stringify({ credHelpers: { 'gcr.io': 'gcloud' }, currentContext: 'remote', psFormat: 'y' }),
    { credHelpers: { 'gcr.io': 'gcloud' } },
  ],
  [
    'a credsStore becomes the helper of the hosts it holds, so later logins stay in the private file',
    JSON.stringify({ credsStore: 'desktop', auths: { 'ghcr.io': {}, 'registry.example.com': {} } }),
    {
      auths: { 'ghcr.io': {}, 'registry.example.com': {} },
      credHelpers: { 'ghcr.io': 'desktop', 'registry.example.com': 'desktop' },
    },
  ],
  [
    'a per-host helper wins over the credsStore for its host',
    JSON.stringify({ credsStore: 'desktop', auths: { 'gcr.io': {} }, credHelpers: { 'gcr.io': 'gcloud' } }),
    { auths: { 'gcr.io': {} }, credHelpers: { 'gcr.io': 'gcloud' } },
  ],
  ['a helper that is not a string is dropped', JSON.stringify({ credHelpers: { 'a.io': 1 } }), {}],
  ['auths that are not an object are dropped', JSON.stringify({ auths: ['x'] }), {}],
];

describe('seedDockerConfig', () => {
  it.each(CASES)('%s', (_name, user, expected) => {
    expect(JSON.parse(seedDockerConfig(user))).toEqual(expected);
  });
});
