/**
 * The job-private docker config starts from the user's (DOCKER_CONFIG or ~/.docker/config.json),
 * so logins made before the step (docker/login-action for Docker Hub, a private registry, a
 * credential helper) reach the build, as they do with the five-action chain. The user's file is
 * only read, never written: the action's ECR logins go into the private copy on top. Pure.
 */

/**
 * The private config's text from the user's config text (none or unreadable: empty). `auths` and
 * `credHelpers` are kept, nothing else (a `currentContext` would name a context the private
 * directory does not hold). A `credsStore` would receive every login written later, so it becomes
 * the helper of the hosts it holds (those listed in `auths`) and the file stores the rest.
 */
export function seedDockerConfig(userConfig: string | undefined): string {
  const user = objectOf(parse(userConfig));
  const auths = objectOf(user.auths);
  const credHelpers: Record<string, string> = {};
  if (typeof user.credsStore === 'string' && user.credsStore !== '')
    for (const host of Object.keys(auths)) credHelpers[host] = user.credsStore;
  for (const [host, helper] of Object.entries(objectOf(user.credHelpers)))
    if (typeof helper === 'string') credHelpers[host] = helper;
  const seeded: Record<string, unknown> = {};
  if (Object.keys(auths).length) seeded.auths = auths;
  if (Object.keys(credHelpers).length) seeded.credHelpers = credHelpers;
  return `${JSON.stringify(seeded, null, 2)}\n`;
}

function parse(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function objectOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? { ...(value as Record<string, unknown>) }
    : {};
}
