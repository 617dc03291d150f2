/** Everything that needs the AWS SDK: loaded on demand through load-sdk.ts. */
export { Ecr, explainEcrError } from './ecr.js';
export { assumeRole, assumeRoleWithWebIdentity, defaultChainSession } from './session.js';
