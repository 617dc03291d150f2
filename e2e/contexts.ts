/** Build contexts for the suite: FROM scratch images with busybox and optional data layers. */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ContextOptions {
  /** Sizes in MB of extra data layers (random, so each build is distinct). */
  layersMb?: number[];
  /** A line that makes this context's image unique. */
  marker?: string;
}

export function makeContext(options: ContextOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ebp-ctx-'));
  copyFileSync('/bin/busybox', join(dir, 'busybox'));
  const lines = ['FROM scratch', 'COPY busybox /bin/busybox'];
  (options.layersMb ?? []).forEach((mb, i) => {
    mkdirSync(join(dir, `data${i}`));
    writeFileSync(join(dir, `data${i}`, 'blob'), randomBytes(mb * 1024 * 1024));
    lines.push(`COPY data${i}/ /data${i}/`);
  });
  writeFileSync(join(dir, 'marker'), options.marker ?? randomBytes(8).toString('hex'));
  lines.push('COPY marker /marker', 'ENTRYPOINT ["/bin/busybox", "cat", "/marker"]');
  writeFileSync(join(dir, 'Dockerfile'), `${lines.join('\n')}\n`);
  return dir;
}
