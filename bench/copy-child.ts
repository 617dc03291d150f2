/**
 * Child process of copy-memory.ts: one copyImage() of the action's own code (bundled with esbuild
 * as dist/ is), then its peak RSS on stdout as JSON. Arguments arrive as JSON in BENCH_COPY.
 */
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

    // resourceUsage().maxRSS is in KiB: the peak resident set of this whole process.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
