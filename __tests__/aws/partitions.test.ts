/** Partitions: role ARNs and regions accepted, registry hosts with each partition's domain. */
import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../src/aws/partitions.js';
import { parseEcrHost, privateHost } from '../../src/aws/registry-host.js';
import { parse } from '../inputs/fixtures.js';

const ACCOUNT = '123456789012';

describe('partitions', () => {
  it.each([
    // [region, partition, registry host]
    ['eu-west-1', 'aws', `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`],
    ['cn-north-1', 'aws-cn', `${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn`],
    ['us-gov-west-1', 'aws-us-gov', `${ACCOUNT}.dkr.ecr.us-gov-west-1.amazonaws.com`],
    ['us-iso-east-1', 'aws-iso', `${ACCOUNT}.dkr.ecr.us-iso-east-1.c2s.ic.gov`],
    ['us-isob-east-1', 'aws-iso-b', `${ACCOUNT}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`],
    ['eu-isoe-west-1', 'aws-iso-e', `${ACCOUNT}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`],
    ['us-isof-south-1', 'aws-iso-f', `${ACCOUNT}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov`],
    ['eusc-de-east-1', 'aws-eusc', `${ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu`],
    // a region this version does not know yet: commercial
    ['ap-future-9', 'aws', `${ACCOUNT}.dkr.ecr.ap-future-9.amazonaws.com`],
  ])('%s: %s, %s', (region, partition, host) => {
    expect(partitionOf(region).id).toBe(partition);
    expect(privateHost(ACCOUNT, region)).toBe(host);
    // the host parses back to the same account and region
    expect(parseEcrHost(host)).toEqual({ account: ACCOUNT, region });
    // and the inputs accept the region, a role ARN of its partition and the host
    const inputs = parse({
      'aws-region': region,
      'role-to-assume': `arn:${partition}:iam::${ACCOUNT}:role/gha-ecr-push`,
      registry: host,
    });
    expect(inputs.auth.region).toBe(region);
    expect(inputs.target.registry).toBe(host);
  });

  it.each([
    'arn:aws-iso:iam::123456789012:role/r',
    'arn:aws-iso-b:iam::123456789012:role/r',
    'arn:aws-iso-e:iam::123456789012:role/r',
    'arn:aws-iso-f:iam::123456789012:role/r',
    'arn:aws-eusc:iam::123456789012:role/r',
  ])('role ARN %s is accepted', (arn) => {
    expect(parse({ 'role-to-assume': arn }).auth.roleToAssume).toBe(arn);
  });

  it.each(['arn:aws-moon:iam::123456789012:role/r', 'arn:awsiso:iam::123456789012:role/r'])(
    'role ARN %s is refused',
    (arn) => {
      expect(() => parse({ 'role-to-assume': arn })).toThrow(/'role-to-assume'/);
    },
  );

  it('registries ACCOUNT/REGION in an ISO region gets its domain', () => {
    expect(parse({ registries: `${ACCOUNT}/us-iso-east-1` }).target.registries[0]!.host).toBe(
      `${ACCOUNT}.dkr.ecr.us-iso-east-1.c2s.ic.gov`,
    );
  });
});
