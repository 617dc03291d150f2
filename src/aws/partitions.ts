/**
 * AWS partitions: which a region belongs to and the DNS suffix of its endpoints (ECR hosts are
 * ACCOUNT.dkr.ecr.REGION.SUFFIX). Facts from the partition table the AWS SDK ships. Pure.
 */
interface Partition {
  /** The ARN partition: arn:PARTITION:iam::... */
  id: string;
  dnsSuffix: string;
  regions: RegExp;
}

// Most specific first: the commercial pattern would also match `us-iso-east-1`.
const PARTITIONS: readonly Partition[] = [
  { id: 'aws-cn', dnsSuffix: 'amazonaws.com.cn', regions: /^cn-\w+-\d+$/ },
  { id: 'aws-us-gov', dnsSuffix: 'amazonaws.com', regions: /^us-gov-\w+-\d+$/ },
  { id: 'aws-iso', dnsSuffix: 'c2s.ic.gov', regions: /^us-iso-\w+-\d+$/ },
  { id: 'aws-iso-b', dnsSuffix: 'sc2s.sgov.gov', regions: /^us-isob-\w+-\d+$/ },
  { id: 'aws-iso-e', dnsSuffix: 'cloud.adc-e.uk', regions: /^eu-isoe-\w+-\d+$/ },
  { id: 'aws-iso-f', dnsSuffix: 'csp.hci.ic.gov', regions: /^us-isof-\w+-\d+$/ },
  { id: 'aws-eusc', dnsSuffix: 'amazonaws.eu', regions: /^eusc-de-\w+-\d+$/ },
  { id: 'aws', dnsSuffix: 'amazonaws.com', regions: /^[a-z]{2}-\w+-\d+$/ },
];

const COMMERCIAL = PARTITIONS[PARTITIONS.length - 1]!;

/** The partition of a region; commercial AWS for a name no pattern knows (new regions open there). */
export function partitionOf(region: string): Partition {
  return PARTITIONS.find((p) => p.regions.test(region)) ?? COMMERCIAL;
}

/** Every partition's endpoint suffix, escaped for a regular expression, longest first. */
export const DNS_SUFFIX_PATTERN = [...new Set(PARTITIONS.map((p) => p.dnsSuffix))]
  .sort((a, b) => b.length - a.length)
  .map((s) => s.replace(/\./g, '\\.'))
  .join('|');

/** `aws|aws-cn|...` for ARNs. */
export const ARN_PARTITION_PATTERN = PARTITIONS.map((p) => p.id)
  .sort((a, b) => b.length - a.length)
  .join('|');
