/**
 * The action's inputs (action.yml), read from the `INPUT_*` variables the runner sets, and the
 * `trustscan scan` arguments they become. Never a shell: each path and value is one argument.
 */
import { SEVERITIES } from '../types.js';

export const FAIL_ON_LEVELS = [...SEVERITIES, 'none'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

/** `changed-since: none` scans a pull request whole (every finding reported, not only changed lines). */
export const CHANGED_SINCE_OFF = 'none';

export interface ActionInputs {
  paths: string[];
  failOn: FailOn;
  sarifFile: string;
  baseline?: string;
  changedSince?: string;
  config?: string;
}

export class InputError extends Error {}

/** What the runner sets for an input: `INPUT_` and the name upper-cased, spaces as `_` (hyphens stay). */
function input(env: Record<string, string | undefined>, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/**
 * One path per line; a line is taken as it is (quotes, spaces and `$` are part of the name), only
 * blank lines and the spaces around a line are dropped. Default: the whole workspace.
 */
export function parsePaths(text: string): string[] {
  const paths = text.split(/\r?\n|\r/).map((line) => line.trim()).filter((line) => line.length > 0);
  return paths.length > 0 ? paths : ['.'];
}

/**
 * The git ref whose merge base bounds the report: the input when given (`none`: no bound); on a
 * pull request by default its base branch, as actions/checkout fetches it (`origin/<base>`, which
 * needs `fetch-depth: 0`); otherwise none, and the whole project is reported.
 */
export function changedSinceFor(value: string, env: Record<string, string | undefined>): string | undefined {
  if (value === CHANGED_SINCE_OFF) return undefined;
  if (value !== '') return value;
  const event = env.GITHUB_EVENT_NAME ?? '';
  const base = (env.GITHUB_BASE_REF ?? '').trim();
  if ((event === 'pull_request' || event === 'pull_request_target') && base !== '') return `origin/${base}`;
  return undefined;
}

export function readInputs(env: Record<string, string | undefined>): ActionInputs {
  const failOn = input(env, 'fail-on') || 'high';
  if (!(FAIL_ON_LEVELS as readonly string[]).includes(failOn)) {
    throw new InputError(`input fail-on must be one of ${FAIL_ON_LEVELS.join(', ')}, got ${JSON.stringify(failOn)}`);
  }
  const optional = (name: string): string | undefined => input(env, name) || undefined;
  const inputs: ActionInputs = {
    paths: parsePaths(env['INPUT_PATHS'] ?? ''),
    failOn: failOn as FailOn,
    sarifFile: input(env, 'sarif-file') || 'trustscan.sarif',
  };
  const baseline = optional('baseline');
  const changedSince = changedSinceFor(input(env, 'changed-since'), env);
  const config = optional('config');
  if (baseline) inputs.baseline = baseline;
  if (changedSince) inputs.changedSince = changedSince;
  if (config) inputs.config = config;
  return inputs;
}

/**
 * The scan the action runs. `--baseline` and `--changed-since` are `trustscan scan`'s own flags
 * (issue 16 items 1 and 2); the paths come after `--`, so a path that starts with `-` is a path.
 */
export function scanArguments(inputs: ActionInputs): string[] {
  return [
    'scan',
    '--format', 'sarif',
    '--output', inputs.sarifFile,
    '--fail-on', inputs.failOn,
    ...(inputs.baseline ? ['--baseline', inputs.baseline] : []),
    ...(inputs.changedSince ? ['--changed-since', inputs.changedSince] : []),
    ...(inputs.config ? ['--config', inputs.config] : []),
    '--',
    ...inputs.paths,
  ];
}
