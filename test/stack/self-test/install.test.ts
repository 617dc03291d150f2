/** install.sh keeps lists of its own that must match the TypeScript side. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLASSIC_ENGINE, CONTAINERD_ENGINE } from '../engines.js';
import { PATHS } from '../paths.js';
import { CLASSIC_ENGINE_RECORD, TLS_HOSTS } from '../tls.js';

const script = fs.readFileSync(PATHS.installScript, 'utf8');

describe('install.sh', () => {
  it('makes certs.d directories for exactly the hosts the TLS proxy serves', () => {
    const list = /^STACK_HOSTS=\(\n([\s\S]*?)\n\)$/m.exec(script)?.[1];
    expect(list?.split('\n').map((line) => line.trim())).toEqual(TLS_HOSTS);
  });

  it('starts the engines where engines.ts looks for them and records the classic one where env.ts reads it', () => {
    expect(script).toContain(`CLASSIC_HOST=unix://${CLASSIC_ENGINE.socket}`);
    expect(script).toContain(`ENGINE2_HOST=unix://$ENGINE2_RUN/docker.sock`);
    expect(script).toContain(`ENGINE2_RUN=${CONTAINERD_ENGINE.socket.replace('/docker.sock', '')}`);
    expect(script).toContain(`CLASSIC_RECORD=${CLASSIC_ENGINE_RECORD}`);
  });
});
