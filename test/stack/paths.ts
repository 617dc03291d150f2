/** Where the local stack keeps its state: `<repo>/.stack` (gitignored). */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const STATE_DIR = path.join(REPO_ROOT, '.stack');

export const PATHS = {
  stateDir: STATE_DIR,
  /** Written by the daemon once every server answers; read by the CLI, the e2e suite and the demo. */
  stateFile: path.join(STATE_DIR, 'state.json'),
  envJson: path.join(STATE_DIR, 'env.json'),
  envSh: path.join(STATE_DIR, 'env.sh'),
  pidFile: path.join(STATE_DIR, 'daemon.pid'),
  daemonLog: path.join(STATE_DIR, 'daemon.log'),
  tlsDir: path.join(STATE_DIR, 'tls'),
  caCert: path.join(STATE_DIR, 'tls', 'ca.crt'),
  serverCert: path.join(STATE_DIR, 'tls', 'server.crt'),
  serverKey: path.join(STATE_DIR, 'tls', 'server.key'),
  registryDir: path.join(STATE_DIR, 'registry'),
  /** Archives of the Actions cache stand-in (emptied at each start). */
  cacheDir: path.join(STATE_DIR, 'actions-cache'),
  installScript: path.join(REPO_ROOT, 'test', 'stack', 'install.sh'),
} as const;
