/**
 * TLS for the registry hosts: a private CA and one server certificate for every registry host name,
 * made with the openssl CLI; Docker trusts the CA through /etc/docker/certs.d, other Go and OpenSSL
 * clients (`docker buildx imagetools`, curl) through the system store, Node through
 * NODE_EXTRA_CA_CERTS; the host names resolve to 127.0.0.1 through marked /etc/hosts lines.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ACCOUNTS, PRIVATE_REGISTRY, PUBLIC_HOST } from './topology.js';
import { PATHS } from './paths.js';

/** The ECR hosts (private and public). */
export const REGISTRY_HOSTS: string[] = [...ACCOUNTS.map((a) => a.host), PUBLIC_HOST];
/**
 * Every host the TLS proxy serves: the certificate names them, /etc/hosts maps them, Docker trusts
 * them. install.sh's STACK_HOSTS is the same list (it makes their certs.d directories before the
 * classic dockerd starts).
 */
export const TLS_HOSTS: string[] = [...REGISTRY_HOSTS, PRIVATE_REGISTRY.host];

/** Written by install.sh: `<pid> <hosts>` of the classic dockerd that started after every certs.d directory. */
export const CLASSIC_ENGINE_RECORD = '/var/lib/ebp-stack/classic-engine';

const HOSTS_FILE = '/etc/hosts';
const DOCKER_CERTS_DIR = '/etc/docker/certs.d';
const HOSTS_MARK = '# ecr-build-push local stack';
const SYSTEM_CA = '/usr/local/share/ca-certificates/ecr-build-push-local-stack.crt';

export interface TlsFiles {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The certificate can be kept if it names exactly today's hosts and is valid for another day. */
function certificateIsCurrent(sanFile: string, sans: string): boolean {
  if (!fs.existsSync(PATHS.serverCert) || !fs.existsSync(PATHS.caCert) || !fs.existsSync(sanFile))
    return false;
  if (fs.readFileSync(sanFile, 'utf8') !== sans) return false;
  try {
    openssl(['x509', '-checkend', '86400', '-noout', '-in', PATHS.serverCert]);
    return true;
  } catch {
    return false;
  }
}

function makeCertificates(sanFile: string, sans: string): void {
  const dir = PATHS.tlsDir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKey = path.join(dir, 'ca.key');
  const csr = path.join(dir, 'server.csr');
  const ext = path.join(dir, 'server.ext');
  // prettier-ignore
  openssl([
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650',
    '-subj', '/CN=ecr-build-push local stack CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', caKey, '-out', PATHS.caCert,
  ]);
  // prettier-ignore
  openssl([
    'req', '-newkey', 'rsa:2048', '-nodes', '-sha256',
    '-subj', `/CN=${REGISTRY_HOSTS[0]}`,
    '-keyout', PATHS.serverKey, '-out', csr,
  ]);
  fs.writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${sans}`,
    ].join('\n') + '\n',
  );
  // 825 days: the longest validity every TLS client accepts for a server certificate.
  // prettier-ignore
  openssl([
    'x509', '-req', '-sha256', '-days', '825', '-in', csr,
    '-CA', PATHS.caCert, '-CAkey', caKey, '-CAcreateserial',
    '-extfile', ext, '-out', PATHS.serverCert,
  ]);
  // Only the certificates are needed from here on; a new CA is made whenever the hosts change.
  for (const file of [caKey, csr, ext, path.join(dir, 'ca.srl')]) fs.rmSync(file, { force: true });
  fs.writeFileSync(sanFile, sans);
}

/** Makes (or keeps) the CA and the server certificate; needs no privileges. */
export function ensureCertificates(): TlsFiles {
  const sans = [...TLS_HOSTS.map((h) => `DNS:${h}`), 'IP:127.0.0.1'].join(',');
  const sanFile = path.join(PATHS.tlsDir, 'sans.txt');
  if (!certificateIsCurrent(sanFile, sans)) makeCertificates(sanFile, sans);
  return { caCert: PATHS.caCert, serverCert: PATHS.serverCert, serverKey: PATHS.serverKey };
}

/** /etc/hosts without our lines, and without trailing blank lines. */
function hostsWithoutStack(): string {
  const lines = fs.readFileSync(HOSTS_FILE, 'utf8').split('\n');
  return lines
    .filter((line) => !line.endsWith(HOSTS_MARK))
    .join('\n')
    .replace(/\n*$/, '\n');
}

/** Rewrites /etc/hosts in place: inside containers it is often a bind mount that cannot be replaced. */
function writeHosts(text: string): void {
  if (text !== fs.readFileSync(HOSTS_FILE, 'utf8')) fs.writeFileSync(HOSTS_FILE, text);
}

function updateSystemStore(): void {
  execFileSync('update-ca-certificates', { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Docker and the system trust the CA; every registry host resolves to 127.0.0.1. Needs root. */
export function installTrust(tls: TlsFiles): void {
  const ca = fs.readFileSync(tls.caCert, 'utf8');
  for (const host of TLS_HOSTS) {
    const dir = path.join(DOCKER_CERTS_DIR, host);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'ca.crt'), ca);
  }
  // Rebuilding the store takes seconds: only when the CA changed.
  if (!fs.existsSync(SYSTEM_CA) || fs.readFileSync(SYSTEM_CA, 'utf8') !== ca) {
    fs.mkdirSync(path.dirname(SYSTEM_CA), { recursive: true });
    fs.writeFileSync(SYSTEM_CA, ca);
    updateSystemStore();
  }
  writeHosts(hostsWithoutStack() + TLS_HOSTS.map((h) => `127.0.0.1 ${h} ${HOSTS_MARK}\n`).join(''));
}

/**
 * Undoes installTrust. The certs.d directories stay, empty: dockerd 20.10's BuildKit lists them only
 * when the daemon starts (install.sh).
 */
export function removeTrust(): void {
  for (const host of TLS_HOSTS) fs.rmSync(path.join(DOCKER_CERTS_DIR, host, 'ca.crt'), { force: true });
  if (fs.existsSync(SYSTEM_CA)) {
    fs.rmSync(SYSTEM_CA);
    updateSystemStore();
  }
  if (fs.existsSync(HOSTS_FILE)) writeHosts(hostsWithoutStack());
}

/** True when the hosts lines and the Docker CA files are in place for the current CA. */
export function trustInstalled(): boolean {
  if (!fs.existsSync(PATHS.caCert)) return false;
  const ca = fs.readFileSync(PATHS.caCert, 'utf8');
  const hosts = fs.readFileSync(HOSTS_FILE, 'utf8');
  return TLS_HOSTS.every((host) => {
    const file = path.join(DOCKER_CERTS_DIR, host, 'ca.crt');
    return (
      hosts.includes(`127.0.0.1 ${host} ${HOSTS_MARK}`) &&
      fs.existsSync(file) &&
      fs.readFileSync(file, 'utf8') === ca
    );
  });
}

/** Certificates plus trust: what the daemon runs at start. */
export function ensureTls(): TlsFiles {
  const tls = ensureCertificates();
  installTrust(tls);
  return tls;
}
