/**
 * A secret the app reads from its configuration, and code that compares a request's value with it.
 * A leaf module: the middleware classifier and the public-by-design reasons both ask it.
 */

/** A shared secret the sender echoes (Microsoft Graph clientState, a verification token) compared with configuration. */
export const CONFIGURED_SECRET = /\benv\s*\.\s*[A-Z0-9_]*(?:SECRET|TOKEN|CLIENT_STATE|API_KEY)\b/;

/**
 * Code that compares something with a configured secret on one line (`token === env.API_KEY`,
 * `timingSafeEqual(a, env.SECRET)`, a project's constant-time `secureCompare(apiKey, env.INTERNAL_API_KEY)`), comments left out.
 */
export function comparesConfiguredSecret(text: string): boolean {
  return text
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, ''))
    .some((line) => !/^\s*\*/.test(line) && CONFIGURED_SECRET.test(line) && /[!=]==?|\btimingSafeEqual\s*\(|\b(?:secure|safe|constantTime|timingSafe)\w*(?:Compare|Equals?)\w*\s*\(/i.test(line));
}
