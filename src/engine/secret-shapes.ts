/**
 * Credential shapes that identify their provider by themselves (a fixed prefix, a fixed
 * structure), so they are reported wherever they appear in a string, whatever it is named.
 * Regex facts follow gitleaks' config/gitleaks.toml and the providers' own token docs.
 *
 * The table lives in the engine because two parts need it: the hardcoded-secret rule (which
 * judges whether a match is a real credential) and the masking of every line the reporters print
 * (src/engine/mask-secrets.ts, which masks every match, real or not). The engine never imports rules.
 */
export type SecretSeverity = 'critical' | 'high';

export interface SecretShape {
  /** kebab-case, stable: used in tests */
  id: string;
  /** What the credential is, for messages: "Stripe live secret key". */
  description: string;
  /**
   * Literal substrings one of which every match contains. A string holding none of them skips
   * the regex entirely; together they form the one cheap prefilter for the whole table.
   */
  keywords: readonly string[];
  /** Finds the secret inside a string value. */
  pattern: RegExp;
  /** critical for live credentials and private keys; high for test-mode or short-lived ones. */
  severity: SecretSeverity;
  /** Bits per character the match must reach when the prefix alone is a weak signal. */
  minimumEntropy?: number;
  /** Shapes whose prefix also starts ordinary words (`sk-`, `secret_`) must look generated. */
  mixedCharacters?: boolean;
  /** A check of the whole match beyond its pattern: false when it is not the credential after all. */
  holdsCredential?: (match: string) => boolean;
}

// Most tokens are followed by a quote, space or end; a trailing word character means we matched
// the middle of something longer (an identifier, a hash) rather than a token.
const BEFORE = '(?<![A-Za-z0-9_])';
const AFTER = '(?![A-Za-z0-9_])';

function shape(
  id: string,
  description: string,
  keywords: readonly string[],
  source: string,
  severity: SecretSeverity = 'critical',
  minimumEntropy?: number,
): SecretShape {
  return {
    id,
    description,
    keywords,
    pattern: new RegExp(`${BEFORE}(?:${source})${AFTER}`),
    severity,
    minimumEntropy,
    mixedCharacters: minimumEntropy !== undefined,
  };
}

/**
 * Order matters: the first shape that matches names the finding, so narrower shapes come
 * before the broader ones they overlap (Anthropic `sk-ant-` before OpenAI `sk-`).
 */
export const SECRET_SHAPES: readonly SecretShape[] = [
  {
    id: 'private-key',
    description: 'private key',
    keywords: ['PRIVATE KEY'],
    // The body must be real key material (base64, possibly with escaped newlines and PEM headers):
    // placeholders such as `-----BEGIN PRIVATE KEY-----\n...` fail the 64-character floor.
    pattern:
      /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s\\:,-]{64,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/,
    severity: 'critical',
    holdsCredential: (match) => !isCertificateBody(match),
  },
  shape('aws-access-key-id', 'AWS access key id', ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'], '(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}'),
  shape('github-token', 'GitHub token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], 'gh[pousr]_[A-Za-z0-9]{36,251}'),
  shape('github-fine-grained-token', 'GitHub fine-grained personal access token', ['github_pat_'], 'github_pat_[A-Za-z0-9_]{82}'),
  shape(
    'gitlab-token',
    'GitLab token',
    ['glpat-', 'gldt-', 'glrt-', 'glsoat-', 'glft-', 'glffct-', 'glptt-', 'glimt-', 'glagent-', 'gloas-', 'glcbt-'],
    'gl(?:pat|dt|rt|soat|ft|ffct)-[A-Za-z0-9_-]{20,300}(?:\\.[0-9a-z]{9})?|glptt-[0-9a-f]{40}|glimt-[A-Za-z0-9_-]{25}|glagent-[A-Za-z0-9_-]{50}|gloas-[A-Za-z0-9_-]{64}|glcbt-[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}',
  ),
  shape('slack-token', 'Slack token', ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxo-', 'xoxe-', 'xoxe.'], 'xox(?:e\\.xox)?[baprseo]-[0-9A-Za-z-]{10,250}', 'critical', 3),
  shape('slack-app-token', 'Slack app-level token', ['xapp-'], 'xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]+'),
  shape('slack-webhook', 'Slack webhook URL', ['hooks.slack.com'], '(?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}'),
  shape('stripe-live-secret-key', 'Stripe live secret key', ['sk_live_', 'rk_live_', 'sk_prod_', 'rk_prod_'], '(?:sk|rk)_(?:live|prod)_[A-Za-z0-9]{20,247}'),
  shape('stripe-test-secret-key', 'Stripe test secret key', ['sk_test_', 'rk_test_'], '(?:sk|rk)_test_[A-Za-z0-9]{20,247}', 'high'),
  shape('stripe-webhook-secret', 'Stripe webhook signing secret', ['whsec_'], 'whsec_[A-Za-z0-9+/=]{32,}'),
  shape('google-api-key', 'Google API key', ['AIza'], 'AIza[A-Za-z0-9_-]{35}'),
  shape('google-oauth-client-secret', 'Google OAuth client secret', ['GOCSPX-'], 'GOCSPX-[A-Za-z0-9_-]{28}'),
  shape('firebase-cloud-messaging-key', 'Firebase Cloud Messaging server key', [':APA91b'], 'AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}'),
  shape('twilio-api-key', 'Twilio API key', ['SK'], 'SK[0-9a-f]{32}'),
  shape('sendgrid-api-key', 'SendGrid API key', ['SG.'], 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}'),
  shape('sendinblue-api-key', 'Brevo (Sendinblue) API key', ['xkeysib-'], 'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}'),
  shape('mailgun-api-key', 'Mailgun API key', ['key-'], 'key-[0-9a-f]{32}'),
  shape('mailchimp-api-key', 'Mailchimp API key', ['-us'], '[0-9a-f]{32}-us[0-9]{1,2}'),
  shape('npm-token', 'npm access token', ['npm_'], 'npm_[A-Za-z0-9]{36}'),
  shape('pypi-token', 'PyPI upload token', ['pypi-AgEIcHlwaS5vcmc'], 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}'),
  shape('rubygems-token', 'RubyGems API key', ['rubygems_'], 'rubygems_[a-f0-9]{48}'),
  shape('anthropic-api-key', 'Anthropic API key', ['sk-ant-'], 'sk-ant-(?:api|admin|oat|sid)[0-9]{2}-[A-Za-z0-9_-]{32,120}'),
  shape('openai-api-key', 'OpenAI API key', ['sk-'], 'sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}', 'critical', 3.5),
  shape('perplexity-api-key', 'Perplexity API key', ['pplx-'], 'pplx-[A-Za-z0-9]{48}'),
  shape('huggingface-token', 'Hugging Face access token', ['hf_', 'api_org_'], '(?:hf_|api_org_)[A-Za-z]{34}'),
  shape('shopify-token', 'Shopify access token', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}'),
  shape('square-token', 'Square access token', ['sq0atp-', 'sq0csp-', 'EAAA'], 'sq0atp-[A-Za-z0-9_-]{22}|sq0csp-[A-Za-z0-9_-]{43}|EAAA[A-Za-z0-9_-]{60}'),
  shape('braintree-access-token', 'PayPal Braintree access token', ['access_token$production$'], 'access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}'),
  shape('braintree-sandbox-access-token', 'PayPal Braintree sandbox access token', ['access_token$sandbox$'], 'access_token\\$sandbox\\$[0-9a-z]{16}\\$[0-9a-f]{32}', 'high'),
  shape('shippo-token', 'Shippo API token', ['shippo_live_', 'shippo_test_'], 'shippo_(?:live|test)_[a-fA-F0-9]{40}'),
  shape('duffel-token', 'Duffel API token', ['duffel_live_', 'duffel_test_'], 'duffel_(?:test|live)_[A-Za-z0-9_=-]{43}'),
  shape('easypost-api-key', 'EasyPost API key', ['EZAK', 'EZTK'], 'EZ[AT]K[A-Za-z0-9]{54}'),
  shape('digitalocean-token', 'DigitalOcean token', ['dop_v1_', 'doo_v1_', 'dor_v1_'], 'do[opr]_v1_[a-f0-9]{64}'),
  shape('heroku-api-key', 'Heroku API key', ['HRKU-'], 'HRKU-AA[0-9a-zA-Z_-]{58}'),
  shape('flyio-token', 'Fly.io access token', ['fo1_', 'fm1', 'fm2_'], 'fo1_[A-Za-z0-9_-]{43}|fm1[ar]_[A-Za-z0-9+/]{100,}={0,3}|fm2_[A-Za-z0-9+/]{100,}={0,3}'),
  shape('discord-webhook', 'Discord webhook URL', ['discord'], 'https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}'),
  shape('telegram-bot-token', 'Telegram bot token', [':AA'], '[0-9]{8,10}:AA[A-Za-z0-9_-]{33}'),
  shape('microsoft-teams-webhook', 'Microsoft Teams webhook URL', ['webhook.office.com'], 'https://[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/[a-z0-9@/-]{100,}'),
  shape('azure-storage-key', 'Azure storage account key', ['AccountKey='], 'AccountKey=[A-Za-z0-9+/]{86}=='),
  shape('azure-shared-access-key', 'Azure shared access key', ['SharedAccessKey='], 'SharedAccessKey=[A-Za-z0-9+/]{42,44}='),
  shape('azure-ad-client-secret', 'Azure AD client secret', ['Q~'], '[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}'),
  shape('alibaba-access-key-id', 'Alibaba Cloud access key id', ['LTAI'], 'LTAI[A-Za-z0-9]{20}'),
  shape('databricks-token', 'Databricks API token', ['dapi'], 'dapi[a-f0-9]{32}(?:-[0-9])?'),
  shape('vault-token', 'HashiCorp Vault token', ['hvs.', 'hvb.'], 'hvs\\.[A-Za-z0-9_-]{90,120}|hvb\\.[A-Za-z0-9_-]{138,300}'),
  shape('terraform-cloud-token', 'Terraform Cloud API token', ['.atlasv1.'], '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}'),
  shape('doppler-token', 'Doppler token', ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'], 'dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44}'),
  shape('pulumi-token', 'Pulumi access token', ['pul-'], 'pul-[a-f0-9]{40}'),
  shape('postman-api-key', 'Postman API key', ['PMAK-'], 'PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}'),
  shape('linear-api-key', 'Linear API key', ['lin_api_'], 'lin_api_[A-Za-z0-9]{40}'),
  shape('atlassian-api-token', 'Atlassian API token', ['ATATT3'], 'ATATT3[A-Za-z0-9_=-]{150,}'),
  shape('age-secret-key', 'age secret key', ['AGE-SECRET-KEY-1'], 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'),
  shape('onepassword-service-token', '1Password service account token', ['ops_eyJ'], 'ops_eyJ[A-Za-z0-9+/]{250,}={0,3}'),
  shape('artifactory-api-key', 'JFrog Artifactory API key', ['AKCp'], 'AKCp[A-Za-z0-9]{69}'),
  shape('grafana-token', 'Grafana token', ['glc_', 'glsa_', 'eyJrIjoi'], 'glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{70,400}={0,3}'),
  shape('sentry-token', 'Sentry auth token', ['sntryu_', 'sntrys_'], 'sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_]{50,}'),
  shape('new-relic-key', 'New Relic API key', ['NRAK-', 'NRII-'], 'NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9-]{32}'),
  shape('dynatrace-token', 'Dynatrace API token', ['dt0c01.'], 'dt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}'),
  shape('planetscale-token', 'PlanetScale token', ['pscale_tkn_', 'pscale_pw_', 'pscale_oauth_'], 'pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,64}'),
  shape('supabase-token', 'Supabase secret', ['sbp_', 'sb_secret_'], 'sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{31,}'),
  shape('notion-token', 'Notion integration token', ['ntn_', 'secret_'], 'ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43}', 'critical', 3.5),
  shape('posthog-personal-api-key', 'PostHog personal API key', ['phx_'], 'phx_[A-Za-z0-9]{43}'),
  shape('mapbox-secret-token', 'Mapbox secret token', ['sk.eyJ'], 'sk\\.eyJ[A-Za-z0-9_-]{50,}\\.[A-Za-z0-9_-]{20,}'),
  shape('facebook-access-token', 'Facebook access token', ['EAAC', 'EAAM'], 'EAA[MC][A-Za-z0-9]{100,}'),
  shape('twitter-bearer-token', 'Twitter bearer token', ['AAAAAAAAAAAAAAAAAAAAA'], 'A{22}[A-Za-z0-9%]{80,100}'),
  shape('cloudflare-origin-ca-key', 'Cloudflare Origin CA key', ['v1.0-'], 'v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}'),
  shape('adobe-client-secret', 'Adobe client secret', ['p8e-'], 'p8e-[A-Za-z0-9]{32}'),
  shape('infracost-token', 'Infracost API token', ['ico-'], 'ico-[A-Za-z0-9]{32}', 'critical', 3.5),
  shape('prefect-token', 'Prefect API token', ['pnu_'], 'pnu_[A-Za-z0-9]{36}'),
  shape('readme-token', 'ReadMe API token', ['rdme_'], 'rdme_[a-z0-9]{70}'),
  shape('typeform-token', 'Typeform API token', ['tfp_'], 'tfp_[A-Za-z0-9_.=-]{59}'),
  shape('openshift-token', 'OpenShift user token', ['sha256~'], 'sha256~[A-Za-z0-9_-]{43}'),
  shape('jwt', 'JSON Web Token', ['eyJ'], 'eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{16,}', 'high'),
];

/**
 * Shapes too generic to stand alone (a UUID, 32 hex digits) that are credentials when the
 * name they are bound to says which provider they belong to. Matched against the whole value.
 */
export interface NamedSecretShape {
  id: string;
  description: string;
  /** Tested against the normalised name (lowercase words separated by single spaces). */
  name: RegExp;
  value: RegExp;
  severity: SecretSeverity;
}

export const NAMED_SECRET_SHAPES: readonly NamedSecretShape[] = [
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key',
    name: /\baws\b.*\b(?:secret|key)\b|\bsecret access key\b/,
    value: /^[A-Za-z0-9/+]{40}$/,
    severity: 'critical',
  },
  {
    id: 'heroku-api-key-uuid',
    description: 'Heroku API key',
    name: /\bheroku\b/,
    value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    severity: 'critical',
  },
  { id: 'twilio-auth-token', description: 'Twilio auth token', name: /\btwilio\b.*\b(?:token|auth|secret)\b/, value: /^[0-9a-f]{32}$/, severity: 'critical' },
  { id: 'okta-api-token', description: 'Okta API token', name: /\bokta\b/, value: /^00[A-Za-z0-9_=-]{40}$/, severity: 'critical' },
  { id: 'datadog-api-key', description: 'Datadog key', name: /\b(?:datadog|dd)\b.*\bkey\b/, value: /^[a-f0-9]{32}(?:[a-f0-9]{8})?$/, severity: 'critical' },
  { id: 'algolia-admin-key', description: 'Algolia admin API key', name: /\balgolia\b.*\badmin\b/, value: /^[a-f0-9]{32}$/, severity: 'critical' },
  { id: 'cloudflare-api-token', description: 'Cloudflare API token', name: /\bcloudflare\b|\bcf api\b/, value: /^[A-Za-z0-9_-]{40}$/, severity: 'critical' },
  {
    id: 'discord-bot-token',
    description: 'Discord bot token',
    name: /\bdiscord\b/,
    value: /^[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}$/,
    severity: 'critical',
  },
];

/**
 * Last words of a name that say the value is something about a secret (its field, URL, length,
 * expiry), not the secret: `passwordField`, `tokenUrl`, `apiKeyHeader`. Shared by the masker and
 * hardcoded-secret; each adds the few words of its own context.
 */
export const DESCRIPTOR_LAST_WORDS: readonly string[] = [
  'field', 'fields', 'name', 'names', 'type', 'types', 'kind', 'url', 'urls', 'uri', 'endpoint', 'path', 'paths',
  'file', 'files', 'dir', 'folder', 'header', 'headers', 'label', 'placeholder', 'message', 'messages', 'msg',
  'error', 'errors', 'hint', 'title', 'text', 'description', 'desc', 'regex', 'regexp', 'pattern', 'length', 'len',
  'min', 'max', 'size', 'count', 'expires', 'expiry', 'expiration', 'exp', 'ttl', 'lifetime', 'timeout', 'age',
  'policy', 'route', 'param', 'params', 'query', 'id', 'ids', 'prefix', 'suffix', 'version', 'algorithm',
  'algorithms', 'alg', 'algo', 'strength', 'rounds', 'cost', 'hash', 'hashed', 'checksum', 'digest', 'etag',
  'integrity', 'fingerprint', 'format', 'encoding', 'mode', 'env', 'var', 'variable', 'prop', 'property', 'attr',
  'attribute', 'column', 'input', 'selector', 'strategy', 'provider', 'service', 'scheme', 'location', 'source',
  'audience', 'issuer', 'scope', 'scopes', 'ref', 'template', 'icon', 'link', 'state', 'status', 'enabled',
  'required', 'visible', 'valid', 'invalid', 'validator', 'rule', 'rules', 'reset', 'changed', 'updated', 'created',
  'at', 'date', 'time', 'generator', 'manager', 'store', 'storage', 'cache', 'module', 'guard', 'middleware',
  'handler', 'repository', 'schema', 'dto', 'model', 'table', 'collection', 'lookup', 'payload', 'options', 'config',
  'usage', 'method', 'methods', 'mask', 'in', 'ms', 'seconds', 'minutes', 'hours', 'days', 'address', 'duration',
  'interval', 'delay', 'limit', 'bytes', 'bits', 'enable', 'disable',
  // The characters a generator draws from, or the container image a setting names (`PASSWORD_CHARSET`, `AUTH_IMAGE`).
  'charset', 'chars', 'characters', 'alphabet', 'image',
];

/**
 * A PEM block labelled PRIVATE KEY whose body is a certificate: a form's sample text made by
 * relabelling a public certificate (`-----BEGIN PRIVATE KEY-----\nMIIFRDCCAyygAwIBAgIU...`). Its DER
 * opens SEQUENCE, SEQUENCE, [0] (the TBSCertificate's explicit version), which no private key format
 * does: PKCS#8 and PKCS#1 open SEQUENCE, INTEGER; encrypted PKCS#8 SEQUENCE, SEQUENCE, OID.
 */
function isCertificateBody(pem: string): boolean {
  const body = pem
    .replace(/^-----BEGIN[^-]*-----|-----END[^-]*-----$/g, '')
    .replace(/\\[nr]/g, '\n')
    .replace(/^[A-Za-z-]+:.*$/gm, '')
    .replace(/\s+/g, '');
  const der = Buffer.from(body.slice(0, 64), 'base64');
  let offset = 0;
  // A tag, then a length in short or long form: the offset of the content.
  const enter = (tag: number): boolean => {
    if (der[offset] !== tag) return false;
    const first = der[offset + 1];
    if (first === undefined) return false;
    offset += 2 + (first & 0x80 ? first & 0x7f : 0);
    return offset < der.length;
  };
  return enter(0x30) && enter(0x30) && der[offset] === 0xa0;
}
