import { describe, expect, it } from 'vitest';
import { parseEcrHost, resolveTarget, type RegistryTarget } from '../../src/aws/registry-host.js';

describe('aws/registry-host', () => {
  describe('parseEcrHost', () => {
    const rows: [string, string, { account: string; region: string } | undefined][] = [
      [
        'standard',
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
        { account: '123456789012', region: 'eu-west-1' },
      ],
      [
        'standard, upper case',
        '123456789012.DKR.ECR.US-EAST-2.AMAZONAWS.COM',
        { account: '123456789012', region: 'us-east-2' },
      ],
      [
        'three-part region',
        '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com',
        { account: '123456789012', region: 'ap-southeast-2' },
      ],
      [
        'FIPS',
        '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com',
        { account: '123456789012', region: 'us-east-1' },
      ],
      [
        'FIPS GovCloud',
        '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
        { account: '123456789012', region: 'us-gov-west-1' },
      ],
      [
        'China',
        '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
        { account: '123456789012', region: 'cn-north-1' },
      ],
      [
        'China Ningxia',
        '123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn',
        { account: '123456789012', region: 'cn-northwest-1' },
      ],
      [
        'dual-stack',
        '123456789012.dkr-ecr.eu-west-1.on.aws',
        { account: '123456789012', region: 'eu-west-1' },
      ],
      [
        'dual-stack FIPS',
        '123456789012.dkr-ecr-fips.us-east-1.on.aws',
        { account: '123456789012', region: 'us-east-1' },
      ],
      [
        'ISO partition',
        '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov',
        { account: '123456789012', region: 'us-iso-east-1' },
      ],
      [
        'ISO-B partition',
        '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov',
        { account: '123456789012', region: 'us-isob-east-1' },
      ],
      ['dkr.ecr on the dual-stack domain', '123456789012.dkr.ecr.eu-west-1.on.aws', undefined],
      ['dkr-ecr on the IPv4 domain', '123456789012.dkr-ecr.eu-west-1.amazonaws.com', undefined],
      ['region label that is no region', '123456789012.dkr.ecr.europe.amazonaws.com', undefined],
      ['11-digit account', '12345678901.dkr.ecr.eu-west-1.amazonaws.com', undefined],
      ['13-digit account', '1234567890123.dkr.ecr.eu-west-1.amazonaws.com', undefined],
      ['ECR Public', 'public.ecr.aws', undefined],
      ['Docker Hub', 'registry-1.docker.io', undefined],
      ['suffix appended', '123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example', undefined],
      ['with a path', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app', undefined],
      ['with a scheme', 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com', undefined],
      ['region without number', '123456789012.dkr.ecr.eu-west.amazonaws.com', undefined],
      ['not dkr', '123456789012.api.ecr.eu-west-1.amazonaws.com', undefined],
      ['empty', '', undefined],
    ];
    it.each(rows)('%s: %s', (_name, host, expected) => {
      expect(parseEcrHost(host)).toEqual(expected);
    });
  });

  describe('resolveTarget', () => {
    const CALLER = '111122223333';
    const rows: [string, string | undefined, string, Omit<RegistryTarget, 'repository'>][] = [
      [
        'nothing: the caller account in the region',
        undefined,
        'eu-west-1',
        {
          kind: 'private',
          host: '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
          account: CALLER,
          region: 'eu-west-1',
          uri: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/my-app',
        },
      ],
      [
        'blank: the caller account',
        '   ',
        'us-east-1',
        {
          kind: 'private',
          host: '111122223333.dkr.ecr.us-east-1.amazonaws.com',
          account: CALLER,
          region: 'us-east-1',
          uri: '111122223333.dkr.ecr.us-east-1.amazonaws.com/my-app',
        },
      ],
      [
        'account id (trimmed)',
        ' 210987654321 ',
        'eu-west-1',
        {
          kind: 'private',
          host: '210987654321.dkr.ecr.eu-west-1.amazonaws.com',
          account: '210987654321',
          region: 'eu-west-1',
          uri: '210987654321.dkr.ecr.eu-west-1.amazonaws.com/my-app',
        },
      ],
      [
        'account id in a China region',
        '210987654321',
        'cn-north-1',
        {
          kind: 'private',
          host: '210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn',
          account: '210987654321',
          region: 'cn-north-1',
          uri: '210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn/my-app',
        },
      ],
      [
        'host: its own account and region win',
        '210987654321.dkr.ecr.us-west-2.amazonaws.com',
        'eu-west-1',
        {
          kind: 'private',
          host: '210987654321.dkr.ecr.us-west-2.amazonaws.com',
          account: '210987654321',
          region: 'us-west-2',
          uri: '210987654321.dkr.ecr.us-west-2.amazonaws.com/my-app',
        },
      ],
      [
        'FIPS host kept as written (lower-cased)',
        '210987654321.DKR.ECR-FIPS.US-EAST-1.AMAZONAWS.COM',
        'eu-west-1',
        {
          kind: 'private',
          host: '210987654321.dkr.ecr-fips.us-east-1.amazonaws.com',
          account: '210987654321',
          region: 'us-east-1',
          uri: '210987654321.dkr.ecr-fips.us-east-1.amazonaws.com/my-app',
        },
      ],
      [
        'dual-stack host',
        '210987654321.dkr-ecr.eu-central-1.on.aws',
        'eu-west-1',
        {
          kind: 'private',
          host: '210987654321.dkr-ecr.eu-central-1.on.aws',
          account: '210987654321',
          region: 'eu-central-1',
          uri: '210987654321.dkr-ecr.eu-central-1.on.aws/my-app',
        },
      ],
      [
        'ECR Public alias: us-east-1, no account',
        'public.ecr.aws/acme',
        'eu-west-1',
        {
          kind: 'public',
          host: 'public.ecr.aws',
          alias: 'acme',
          region: 'us-east-1',
          uri: 'public.ecr.aws/acme/my-app',
        },
      ],
    ];
    it.each(rows)('%s', (_name, registry, region, expected) => {
      expect(resolveTarget(registry, 'my-app', region, CALLER)).toEqual({
        ...expected,
        repository: 'my-app',
      });
    });
  });
});
