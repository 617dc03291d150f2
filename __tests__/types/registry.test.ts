import { ImageTagMutability } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { TAG_MUTABILITIES } from '../../src/types/registry.js';

describe('types/registry', () => {
  it('the tag mutabilities are the ones ECR knows, no more', () => {
    expect([...TAG_MUTABILITIES].sort()).toEqual(Object.values(ImageTagMutability).sort());
  });
});
