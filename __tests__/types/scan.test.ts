import { FindingSeverity } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../src/types/scan.js';

describe('types/scan', () => {
  it('the gate severities are ECR finding severities, most severe first', () => {
    const ecr = Object.values(FindingSeverity) as string[];
    for (const severity of SEVERITIES) expect(ecr).toContain(severity);
    expect(SEVERITIES).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);
  });
});
