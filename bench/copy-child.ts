/**
 * Child process of copy-memory.ts: one copyImage() of the action's own code (bundled with esbuild
 * as dist/ is), then its peak RSS on stdout as JSON. Arguments arrive as JSON in BENCH_COPY.
 */
import { readFileSync } from 'node:fs';
import { copyImage } from '../src/oci/copy-image.js';
import { RegistryClient } from '../src/oci/registry-client.js';

interface CopyJob {
  host: string;
  username: string;
  password: string;
  from: string;
  to: string;
  digest: string;
}

/**
 * The peak resident set of this process's own memory: VmHWM, in kB. Not resourceUsage().maxRSS:
 * Linux carries ru_maxrss over exec from the memory the process was forked with, so it reports
 * at least the parent's resident set at spawn (the bench's own, ~120 MiB).
 */
function peakRss(): number {
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!hwm) throw new Error('no VmHWM in /proc/self/status');
  return Number(hwm[1]) * 1024;
}

const job = JSON.parse(process.env.BENCH_COPY ?? '{}') as CopyJob;
const client = () => new RegistryClient(job.host, { username: job.username, password: job.password });
const started = performance.now();
await copyImage(
  { client: client(), repository: job.from },
  { client: client(), repository: job.to },
  job.digest,
  ['copied'],
);
process.stdout.write(
  JSON.stringify({
    ms: performance.now() - started,

    peakRssBytes: peakRss(),
  }),
);
