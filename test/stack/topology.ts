/**
 * The fixed shape of the local stack: which AWS accounts exist, their ECR
 * registry hosts (mapped to 127.0.0.1 in /etc/hosts and served over TLS by the
 * registry proxy on port 443), the backend docker-registry each host is served
 * from, and the ports of the other servers.
 */
export interface Account {
  id: string;
  region: string;
  /** Real ECR host name: <id>.dkr.ecr.<region>.amazonaws.com */
  host: string;
  /** Port of the plain-HTTP docker-registry (Distribution 2.8) behind the proxy. */
  backendPort: number;
}

export const ACCOUNTS: Account[] = [
  {
    id: '123456789012',
    region: 'eu-west-1',
    host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    backendPort: 5001,
  },
  {
    id: '210987654321',
    region: 'us-east-1',
    host: '210987654321.dkr.ecr.us-east-1.amazonaws.com',
    backendPort: 5002,
  },
];

/** ECR Public is served from the first account's backend under the alias below. */
export const PUBLIC_HOST = 'public.ecr.aws';
export const PUBLIC_ALIAS = 'octo-public';
export const PUBLIC_BACKEND_PORT = 5003;

export const PORTS = {
  /** AWS emulator: STS (query/XML), ECR and ECR Public (JSON 1.1), and /_control. */
  aws: 4566,
  /** OIDC issuer standing in for ACTIONS_ID_TOKEN_REQUEST_URL, with JWKS. */
  oidc: 4567,
  /** Registry proxy (TLS, every registry host). */
  registry: 443,
} as const;

/** Username docker logs in with; ECR tokens decode to AWS:<password>. */
export const REGISTRY_USER = 'AWS';

/** The repository the OIDC issuer puts in its claims by default. */
export const GITHUB_REPOSITORY = 'octo-org/octo-app';

/** Roles and who may assume them (the trust policy), per account. */
export const ROLES = [
  {
    arn: 'arn:aws:iam::123456789012:role/gha-ecr-push',
    audience: 'sts.amazonaws.com',
    subjects: ['repo:octo-org/*'],
  },
  {
    arn: 'arn:aws:iam::210987654321:role/gha-ecr-push',
    audience: 'sts.amazonaws.com',
    subjects: ['repo:octo-org/*'],
  },
];

/** Long-term keys the emulator accepts for the default credential chain (not a secret: local only). */
export const STATIC_KEYS = {
  accessKeyId: 'AKIALOCALSTACK000001',
  secretAccessKey: 'local-stack-static-secret-key-0000000001',
  account: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/local-ci',
};

export function accountByHost(host: string): Account | undefined {
  return ACCOUNTS.find((a) => a.host === host.toLowerCase());
}

export function accountById(id: string): Account | undefined {
  return ACCOUNTS.find((a) => a.id === id);
}
