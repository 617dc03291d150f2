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
  // A third account in a third region: the bench's scaling table copies to three extra registries.
  {
    id: '345678901234',
    region: 'ap-southeast-2',
    host: '345678901234.dkr.ecr.ap-southeast-2.amazonaws.com',
    backendPort: 5005,
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
  /** Logging forward proxy (HTTP and CONNECT), for HTTPS_PROXY tests. */
  forwardProxy: 4568,
  /** Actions cache service (REST protocol of @actions/cache), for ACTIONS_CACHE_URL. */
  cache: 4569,
} as const;

/**
 * A registry that is not ECR (a team's own, or Docker Hub behind a login): basic auth with its own
 * user and a password made at each start, served by the same TLS proxy on 443 without any ECR
 * behaviour. It holds a private, runnable base image (base-image.ts) for builds that need a login
 * made before the step.
 */
export const PRIVATE_REGISTRY = {
  host: 'registry.octo.example',
  backendPort: 5004,
  user: 'octo-ci',
  baseRepository: 'base/busybox',
  baseTag: '1',
} as const;

/** Username docker logs in with; ECR tokens decode to AWS:<password>. */
export const REGISTRY_USER = 'AWS';

/** The repository the OIDC issuer puts in its claims by default. */
export const GITHUB_REPOSITORY = 'octo-org/octo-app';

/** One statement of an identity-based policy (IAM's JSON shape, lower-cased: Effect, Action, Resource). */
export interface PolicyStatement {
  effect?: 'Allow' | 'Deny';
  /** `service:Operation`, wildcards allowed (`ecr:*`, `ecr:Describe*`). */
  actions: string[];
  /** ARNs or `*`, wildcards allowed. */
  resources: string[];
}

export interface Role {
  arn: string;
  /** Trust policy: the token's audience and the `sub` patterns (StringLike) that may assume it. */
  audience: string;
  subjects: string[];
  /** Identity-based policy; without one the role may do everything. */
  policy?: PolicyStatement[];
}

/**
 * amazon-ecr-login's documented push/pull policy, on every repository of the first account: what
 * many teams' roles hold. No DescribeRepositories, DescribeImages, ListImages, CreateRepository,
 * scanning, nor anything of ECR Public.
 */
export const PUSH_PULL_POLICY: PolicyStatement[] = [
  { actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
  {
    actions: [
      'ecr:BatchGetImage',
      'ecr:BatchCheckLayerAvailability',
      'ecr:CompleteLayerUpload',
      'ecr:GetDownloadUrlForLayer',
      'ecr:InitiateLayerUpload',
      'ecr:PutImage',
      'ecr:UploadLayerPart',
    ],
    resources: ['arn:aws:ecr:eu-west-1:123456789012:repository/*'],
  },
];

const TRUST = { audience: 'sts.amazonaws.com', subjects: ['repo:octo-org/*'] };

/** Roles, their trust policies and permissions, per account. */
export const ROLES: Role[] = [
  { arn: 'arn:aws:iam::123456789012:role/gha-ecr-push', ...TRUST },
  { arn: 'arn:aws:iam::210987654321:role/gha-ecr-push', ...TRUST },
  /** Holds exactly PUSH_PULL_POLICY (issue 13's least-privilege path). */
  { arn: 'arn:aws:iam::123456789012:role/gha-ecr-push-pull', ...TRUST, policy: PUSH_PULL_POLICY },
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
