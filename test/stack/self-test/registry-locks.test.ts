/** Which registry API requests read or write a repository's links (registry-locks.ts). */
import { describe, expect, it } from 'vitest';
import { linkAccess } from '../registry-locks.js';

const DIGEST = 'sha256:' + 'b'.repeat(64);

describe('linkAccess', () => {
  it.each([
    ['GET', '/v2/app/manifests/v1', 'app', 'read'],
    ['HEAD', `/v2/team/app/manifests/${DIGEST}`, 'team/app', 'read'],
    ['PUT', '/v2/app/manifests/v1', 'app', 'write'],
    ['PUT', `/v2/app/manifests/${DIGEST}`, 'app', 'write'],
    ['DELETE', `/v2/app/manifests/${DIGEST}`, 'app', 'write'],
    ['GET', `/v2/app/blobs/${DIGEST}`, 'app', 'read'],
    ['HEAD', `/v2/a/b/c/blobs/${DIGEST}`, 'a/b/c', 'read'],
    ['DELETE', `/v2/app/blobs/${DIGEST}`, 'app', 'write'],
    ['PUT', `/v2/app/blobs/uploads/0b1c-uuid?_state=x&digest=${DIGEST}`, 'app', 'write'],
    ['POST', `/v2/app/blobs/uploads/?mount=${DIGEST}&from=base`, 'app', 'write'],
    ['POST', '/v2/app/blobs/uploads/', undefined, undefined],
    ['PATCH', '/v2/app/blobs/uploads/0b1c-uuid', undefined, undefined],
    ['GET', '/v2/app/blobs/uploads/0b1c-uuid', undefined, undefined],
    ['GET', '/v2/app/tags/list', undefined, undefined],
    ['GET', '/v2/', undefined, undefined],
  ])('%s %s: %s %s', (method, path, repository, access) => {
    const link = linkAccess(method, new URL(path, 'https://registry'));
    expect(link).toEqual(repository ? { repository, access } : undefined);
  });
});
