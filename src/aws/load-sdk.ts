/**
 * The AWS SDK is most of the bundle. Callers load it through this dynamic import, so
 * it is parsed while the OIDC token is being fetched instead of before the first
 * network call. Only types may be imported statically from the modules in sdk.ts.
 */
export const loadSdk = () => import('./sdk.js');
