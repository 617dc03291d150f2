/** Which registry API requests read or write a repository's links (registry-locks.ts). */
import { describe, expect, it } from 'vitest';
import { linkAccess } from '../registry-locks.js';

const DIGEST = 'sha256:' + 'b'.repeat(64);

describe('linkAccess', () => {
  it.each([
    ['GET', '/v2/app/manifests/v1', { repository: 'app', access: 'read' }],
    ['HEAD', `/v2/team/app/manifests/${DIGEST}`, { repository: 'team/app', access: 'read' }],
    ['PUT', '/v2/app/manifests/v1', { repository: 'app', access: 'write' }],
    ['PUT', `/v2/app/manifests/${DIGEST}`, { repository: 'app', access: 'write' }],
    ['DELETE', `/v2/app/manifests/${DIGEST}`, { repository: 'app', access: 'write' }],
    ['GET', `/v2/app/blobs/${DIGEST}`, { repository: 'app', access: 'read', blob: DIGEST }],
    ['HEAD', `/v2/a/b/c/blobs/${DIGEST}`, { repository: 'a/b/c', access: 'read', blob: DIGEST }],
    ['DELETE', `/v2/app/blobs/${DIGEST}`, { repository: 'app', access: 'write', blob: DIGEST }],
    [
      'PUT',
      `/v2/app/blobs/uploads/0b1c-uuid?_state=x&digest=${DIGEST}`,
      { repository: 'app', access: 'write', blob: DIGEST },
    ],
    [
      'POST',
      `/v2/app/blobs/uploads/?mount=${DIGEST}&from=base`,
      { repository: 'app', access: 'write', blob: DIGEST },
    ],
    ['POST', '/v2/app/blobs/uploads/', undefined],
    ['PATCH', '/v2/app/blobs/uploads/0b1c-uuid', undefined],
    ['GET', '/v2/app/blobs/uploads/0b1c-uuid', undefined],
    ['GET', '/v2/app/tags/list', undefined],
    ['GET', '/v2/', undefined],
  ])('%s %s: %o', (method, path, link) => {
    expect(linkAccess(method, new URL(path, 'https://registry'))).toEqual(link);
  });
});
