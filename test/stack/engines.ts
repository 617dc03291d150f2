/**
 * The Docker engines the stack serves, and the readiness check that goes through each of them.
 *
 * A registry host is usable from an engine only when that engine's daemon resolves it and trusts its
 * CA. Both happen inside dockerd, not in this process: Go's resolver keeps /etc/hosts cached for a
 * few seconds, so right after the stack adds its lines, Node already resolves a host that dockerd
 * still reports as "no such host". The only honest probe is a request the daemon makes itself: a
 * registry login through the Engine API (`POST /auth`), which resolves, handshakes with the
 * daemon's TLS settings (certs.d) and checks the credentials.
 */
import http from 'node:http';

export interface Engine {
  /** Short name used in logs and by the e2e helpers. */
  name: 'classic' | 'containerd';
  /** Unix socket of the daemon's API. */
  socket: string;
}

/** Debian 12's Docker Engine 20.10, classic image store (started by install.sh at the default socket). */
export const CLASSIC_ENGINE: Engine = { name: 'classic', socket: '/var/run/docker.sock' };

/**
 * Debian 13's Docker Engine 26.1 on its own containerd 1.7, with the containerd image store: the
 * `docker` driver builds multi-platform images and exports registry and local cache. install.sh
 * installs it under /opt/ebp-engine2 and starts it with everything of its own (/etc, /var/lib and
 * /run ebp-engine2) but /etc/docker/certs.d, which it shares with the classic engine.
 */
export const CONTAINERD_ENGINE: Engine = { name: 'containerd', socket: '/run/ebp-engine2/docker.sock' };

export const ENGINES: Engine[] = [CLASSIC_ENGINE, CONTAINERD_ENGINE];

export type EngineName = Engine['name'];

export function engineByName(name: EngineName): Engine {
  return ENGINES.find((e) => e.name === name)!;
}

/** DOCKER_HOST value that points a docker client at this engine. */
export function dockerHost(engine: Engine): string {
  return `unix://${engine.socket}`;
}

export interface LoginResult {
  ok: boolean;
  /** The daemon's answer (or the socket error) in one line. */
  message: string;
}

/** `docker login` without the CLI: the daemon resolves, trusts and authenticates against `host`. */
export function loginThroughEngine(
  engine: Engine,
  host: string,
  username: string,
  password: string,
): Promise<LoginResult> {
  const body = JSON.stringify({ username, password, serveraddress: host });
  return new Promise((resolve) => {
    const req = http.request(
      {
        socketPath: engine.socket,
        // 1.41 is the newest API of the oldest engine (20.10); every newer engine accepts it.
        path: '/v1.41/auth',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let message = text.trim();
          try {
            const json = JSON.parse(text) as { message?: string; Status?: string };
            message = json.message ?? json.Status ?? message;
          } catch {
            // not JSON: keep the raw text
          }
          resolve({ ok: res.statusCode === 200, message: message.replace(/\s+/g, ' ') });
        });
      },
    );
    req.on('error', (error) => resolve({ ok: false, message: error.message }));
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.end(body);
  });
}
