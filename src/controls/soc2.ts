/**
 * AICPA Trust Services Criteria (TSP section 100, 2017; the 2022 revision changed only the points
 * of focus). Titles paraphrase each criterion so a reader can check it against the source; the
 * common criteria (CC) apply to every SOC 2 examination, the other categories only when that
 * category is in scope, which is why rules list them after a common criterion.
 */
export type Soc2Category = 'common' | 'availability' | 'confidentiality' | 'processing-integrity' | 'privacy';

export interface Soc2Criterion {
  id: string;
  category: Soc2Category;
  /** True for A1/C1/PI1/P criteria: they count only when that category is in the report's scope. */
  conditional: boolean;
  /** Short paraphrase of the criterion. */
  title: string;
  /** A few words naming the criterion's subject, for one-line displays (text report, summaries). */
  shortTitle: string;
  /** Points of focus (or the parts of the criterion) that static analysis can speak to. */
  pointsOfFocus: string[];
  /** Why scan findings are evidence for (or against) this criterion. */
  why: string;
}

function criterion(
  id: string,
  category: Soc2Category,
  title: string,
  pointsOfFocus: string[],
  why: string,
): Soc2Criterion {
  return { id, category, conditional: category !== 'common', title, shortTitle: SHORT_TITLES[id] ?? title, pointsOfFocus, why };
}

const SHORT_TITLES: Readonly<Record<string, string>> = {
  'CC6.1': 'Logical access security',
  'CC6.2': 'User registration and credentials',
  'CC6.3': 'Role-based access and least privilege',
  'CC6.6': 'Protection against outside threats',
  'CC6.7': 'Information in transmission',
  'CC6.8': 'Unauthorized or malicious software',
  'CC7.1': 'Detection of vulnerabilities',
  'CC7.2': 'Monitoring for anomalies',
  'CC8.1': 'Change management',
  'C1.1': 'Confidential information identified and maintained',
  'C1.2': 'Disposal of confidential information',
  'PI1.2': 'Controls over system inputs',
  'PI1.3': 'Controls over system processing',
  'P4.1': 'Use of personal information limited to its purposes',
};

export const SOC2_CRITERIA: readonly Soc2Criterion[] = [
  criterion(
    'CC6.1',
    'common',
    'Implements logical access security software, infrastructure and architectures over protected information assets',
    [
      'Restricts logical access',
      'Identifies and authenticates users',
      'Manages credentials for infrastructure and software',
      'Uses encryption to protect data',
      'Protects encryption keys',
      'Restricts access to confidential and personal information',
    ],
    'Missing ownership, authentication or authorization checks, exposed data and hardcoded credentials are gaps in logical access security.',
  ),
  criterion(
    'CC6.2',
    'common',
    'Registers and authorizes new users before issuing system credentials, and removes credentials when access is no longer authorized',
    ['Controls access credentials to protected assets', 'Removes access to protected assets when appropriate'],
    'Credential issuance flows (sign-up, invitation, API keys) must not hand out access before authorization.',
  ),
  criterion(
    'CC6.3',
    'common',
    'Authorizes, modifies or removes access based on roles and responsibilities, considering least privilege and segregation of duties',
    ['Uses role-based access controls', 'Creates or modifies access to protected information assets'],
    'Function- and object-level authorization gaps let a role reach data or actions its responsibilities do not require.',
  ),
  criterion(
    'CC6.6',
    'common',
    'Implements logical access security measures to protect against threats from sources outside the system boundary',
    ['Restricts access (types of activity permitted from outside)', 'Protects identification and authentication credentials', 'Implements boundary protection systems'],
    'Injection, SSRF, permissive CORS and unthrottled endpoints are ways in for an outside attacker.',
  ),
  criterion(
    'CC6.7',
    'common',
    'Restricts the transmission, movement and removal of information to authorized users and processes, and protects it in transit',
    ['Uses encryption technologies or secure communication channels to protect data', 'Protects data in transmission'],
    'Disabled TLS verification and missing transport security headers weaken protection of data in transit.',
  ),
  criterion(
    'CC6.8',
    'common',
    'Implements controls to prevent or detect and act upon the introduction of unauthorized or malicious software',
    ['Restricts the ability to install and modify software', 'Detects unauthorized changes to software'],
    'Command, code and deserialization injection let an attacker run software of their choosing inside the system.',
  ),
  criterion(
    'CC7.1',
    'common',
    'Uses detection and monitoring procedures to identify configuration changes that introduce vulnerabilities and susceptibility to newly discovered vulnerabilities',
    ['Uses a defined configuration standard', 'Monitors infrastructure and software', 'Conducts vulnerability scans'],
    'Running this scan on every change is a vulnerability scan; its findings are the vulnerabilities it identifies.',
  ),
  criterion(
    'CC7.2',
    'common',
    'Monitors system components and their operation for anomalies indicating malicious acts, natural disasters and errors, and analyzes them',
    ['Implements detection policies, procedures and tools', 'Designs detection measures', 'Implements filters to analyze anomalies'],
    'Rate limiting and lockout are the detection measures that turn brute force and automated abuse into visible anomalies.',
  ),
  criterion(
    'CC8.1',
    'common',
    'Authorizes, designs, develops or acquires, configures, documents, tests, approves and implements changes to infrastructure, data, software and procedures',
    ['Manages changes throughout the system life cycle', 'Tests system changes', 'Approves system changes', 'Protects confidential information during change management'],
    'Change management: a scan gating each change is evidence that changes are tested; secrets committed with a change show the process let them through.',
  ),
  criterion(
    'C1.1',
    'confidentiality',
    'Identifies and maintains confidential information to meet the entity’s confidentiality objectives',
    ['Identifies confidential information', 'Protects confidential information from destruction'],
    'Confidential values written to logs or returned in responses are no longer maintained as confidential.',
  ),
  criterion(
    'C1.2',
    'confidentiality',
    'Disposes of confidential information to meet the entity’s confidentiality objectives',
    ['Identifies confidential information for destruction', 'Destroys confidential information'],
    'Copies of confidential data in logs escape retention and disposal procedures.',
  ),
  criterion(
    'PI1.2',
    'processing-integrity',
    'Implements policies and procedures over system inputs, including controls over completeness and accuracy',
    ['Defines characteristics of processing inputs', 'Evaluates processing inputs'],
    'Unvalidated request input that reaches processing undermines input controls.',
  ),
  criterion(
    'PI1.3',
    'processing-integrity',
    'Implements policies and procedures over system processing to result in products, services and reporting that meet objectives',
    ['Defines processing specifications', 'Defines processing activities', 'Records system processing activities'],
    'A workflow step that can be skipped or replayed means processing does not follow its specification.',
  ),
  criterion(
    'P4.1',
    'privacy',
    'Limits the use of personal information to the purposes identified in the entity’s privacy objectives',
    ['Uses personal information for intended purposes'],
    'Personal information copied into logs is used beyond the purposes it was collected for.',
  ),
];
