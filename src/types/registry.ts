/** What the action knows of an ECR registry and repository, in the words every layer shares. */
import type { KeyValue } from './key-value.js';

export type TagMutability = 'MUTABLE' | 'IMMUTABLE' | 'MUTABLE_WITH_EXCLUSION' | 'IMMUTABLE_WITH_EXCLUSION';
export const TAG_MUTABILITIES: readonly TagMutability[] = [
  'MUTABLE',
  'IMMUTABLE',
  'MUTABLE_WITH_EXCLUSION',
  'IMMUTABLE_WITH_EXCLUSION',
];

/** `docker login` credentials for one registry host. */
export interface RegistryLogin {
  username: string;
  password: string;
}

/** The repository settings the plan depends on. */
export interface RepositoryState {
  tagMutability: TagMutability;
  mutabilityExclusions: string[];
  scanOnPush: boolean;
}

/** What a new repository is created with. */
export interface RepositorySettings extends RepositoryState {
  encryption: 'AES256' | 'KMS';
  kmsKey?: string;
  repositoryTags: KeyValue[];
  /** JSON text of an ECR lifecycle policy. */
  lifecyclePolicy?: string;
}

/** A manifest as the registry stores it, under its digest. */
export interface StoredImage {
  digest: string;
  manifest: string;
  mediaType: string;
}
