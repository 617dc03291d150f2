import { describe, expect, it } from 'vitest';
import type { ExtraTarget } from '../../src/inputs/types.js';
import { planBaseLogins, remainingBaseLogins, type BaseLogin } from '../../src/plan/base-logins.js';

const spec = (account: string, region: string, roleToAssume?: string): ExtraTarget => ({
  spec: `${account}/${region}`,
  account,
  region,
  host: `${account}.dkr.ecr.${region}.amazonaws.com`,
  ...(roleToAssume ? { roleToAssume } : {}),
});
const SHARED = spec('111111111111', 'eu-west-1');
const SHARED_US = spec('111111111111', 'us-east-1');
const OTHER_US = spec('222222222222', 'us-east-1');
const PUBLIC: ExtraTarget = { spec: 'public.ecr.aws/acme', region: 'us-east-1', host: 'public.ecr.aws/acme' };
const ROLE = 'arn:aws:iam::111111111111:role/pull';

describe('planBaseLogins: one token per region (or ECR Public) and role', () => {
  it.each<[string, ExtraTarget[], BaseLogin[]]>([
    ['none', [], []],
    [
      'two accounts in one region: one token for both',
      [SHARED_US, OTHER_US],
      [
        {
          registry: SHARED_US.host!,
          region: 'us-east-1',
          public: false,
          hosts: [SHARED_US.host!, OTHER_US.host!],
        },
      ],
    ],
    [
      'a role of its own: a token of its own',
      [SHARED, spec('111111111111', 'eu-west-1', ROLE)],
      [
        { registry: SHARED.host!, region: 'eu-west-1', public: false, hosts: [SHARED.host!] },
        {
          registry: SHARED.host!,
          region: 'eu-west-1',
          public: false,
          roleToAssume: ROLE,
          hosts: [SHARED.host!],
        },
      ],
    ],
    [
      'ECR Public: its us-east-1 token, apart from the private registries there, on public.ecr.aws',
      [PUBLIC, SHARED_US],
      [
        { registry: 'public.ecr.aws/acme', region: 'us-east-1', public: true, hosts: ['public.ecr.aws'] },
        { registry: SHARED_US.host!, region: 'us-east-1', public: false, hosts: [SHARED_US.host!] },
      ],
    ],
    [
      'a registry named twice counts once',
      [SHARED_US, SHARED_US],
      [{ registry: SHARED_US.host!, region: 'us-east-1', public: false, hosts: [SHARED_US.host!] }],
    ],
  ])('%s', (_name, specs, expected) => {
    expect(planBaseLogins(specs)).toEqual(expected);
  });
});

describe('remainingBaseLogins: what the primary registry does not cover already', () => {
  const PRIMARY = {
    kind: 'private' as const,
    host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
  };
  const of = (specs: ExtraTarget[]) => planBaseLogins(specs).map((login) => ({ login }));
  // name, base registries, primary, the logins left (hosts, whether the primary's token serves them)
  it.each<
    [
      string,
      ExtraTarget[],
      typeof PRIMARY | { kind: 'public'; host: string; region: string },
      [string[], boolean][],
    ]
  >([
    [
      "the primary's region, the job's session: its token serves them, no call",
      [SHARED],
      PRIMARY,
      [[[SHARED.host!], true]],
    ],
    ['another region: a token of its own', [SHARED_US], PRIMARY, [[[SHARED_US.host!], false]]],
    [
      'a role of its own in the same region: its own token',
      [spec('111111111111', 'eu-west-1', ROLE)],
      PRIMARY,
      [[[SHARED.host!], false]],
    ],
    ['the primary registry itself: logged in already', [{ ...SHARED, host: PRIMARY.host }], PRIMARY, []],
    ['ECR Public as the base: always its own token', [PUBLIC], PRIMARY, [[['public.ecr.aws'], false]]],
    [
      'the primary is ECR Public: a private base needs a private token',
      [SHARED_US],
      { kind: 'public', host: 'public.ecr.aws', region: 'us-east-1' },
      [[[SHARED_US.host!], false]],
    ],
  ])('%s', (_name, specs, primary, expected) => {
    expect(remainingBaseLogins(of(specs), primary).map((r) => [r.login.hosts, r.usePrimaryToken])).toEqual(
      expected,
    );
  });
});
