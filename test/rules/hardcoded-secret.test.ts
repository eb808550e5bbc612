/**
 * The hardcoded-secret rule on its own: a RuleContext built by hand over in-memory ts-morph
 * projects, so positions, messages and redaction can be checked exactly.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ts } from '#typescript';
import { walkFile } from '../../src/engine/run.js';
import { AnalysisFailures } from '../../src/engine/analysis-failures.js';
import { describe, expect, it } from 'vitest';
import hardcodedSecret from '../../src/rules/hardcoded-secret.js';
import { maskSecret } from '../../src/rules/utils/mask-secret.js';
import { characterClassCount, isLowVarietyString, shannonEntropy } from '../../src/rules/utils/entropy.js';
import { findSecretShape, SECRET_SHAPES } from '../../src/rules/utils/secret-patterns.js';
import { isPlaceholderValue, isSecretName, normalizeName } from '../../src/rules/utils/secret-values.js';
import type { ReportDescriptor, ScannedSourceFile, ScannedTextFile } from '../../src/types.js';
import type { RuleContext } from '../../src/engine/rule-api.js';
import { listFiles, readMarkers } from '../helpers/markers.js';
import { jsonStringsFromSyntaxTree, readJsonStrings } from '../../src/rules/utils/config-file-entries.js';

const RULE_ID = 'hardcoded-secret';
const fixtureDir = fileURLToPath(new URL('../../fixtures/rules/hardcoded-secret', import.meta.url));

interface InputFile {
  path: string;
  text: string;
}

function textKind(filePath: string): ScannedTextFile['kind'] | undefined {
  const base = path.posix.basename(filePath);
  if (base === '.env' || base.startsWith('.env.')) return 'env';
  if (base.endsWith('.json')) return 'json';
  if (/\.ya?ml$/.test(base)) return 'yaml';
  return undefined;
}

function runRule(files: InputFile[]): ReportDescriptor[] {
  const sourceFiles: ScannedSourceFile[] = [];
  const textFiles: ScannedTextFile[] = [];
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const kind = textKind(file.path);
    if (kind) textFiles.push({ path: file.path, kind, text: file.text });
    else sourceFiles.push({ path: file.path, text: file.text, sourceFile: ts.createSourceFile(`/${file.path}`, file.text, ts.ScriptTarget.Latest, true) });
  }
  const reports: ReportDescriptor[] = [];
  const ctx = { sourceFiles, textFiles, options: {}, report: (descriptor: ReportDescriptor) => reports.push(descriptor) } as unknown as RuleContext;
  // As the engine runs it: one walk per file dispatching to the rule's handlers, then its text files.
  const visitor = hardcodedSecret.create!(ctx);
  const failures = new AnalysisFailures();
  for (const file of sourceFiles) walkFile(file, [{ id: hardcodedSecret.meta.id, visitor }], failures);
  for (const file of textFiles) visitor.textFile?.(file);
  expect(failures.warnings()).toEqual([]);
  return reports;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset; index++) if (text.charCodeAt(index) === 10) line++;
  return line;
}

function reportSource(code: string, fileName = 'src/app.ts'): ReportDescriptor[] {
  return runRule([{ path: fileName, text: code }]);
}

describe('hardcoded-secret fixtures', () => {
  const files = listFiles(fixtureDir).map((file) => ({ path: file, text: readFileSync(path.join(fixtureDir, file), 'utf8') }));
  const reports = runRule(files);
  const textByPath = new Map(files.map((file) => [file.path, file.text]));

  it('reports exactly the lines marked expect, and none marked safe', () => {
    const markers = readMarkers(fixtureDir).filter((marker) => marker.ruleId === RULE_ID);
    const expected = markers.filter((m) => m.kind === 'expect').map((m) => `${m.file}:${m.line}`).sort();
    const safe = markers.filter((m) => m.kind === 'safe').map((m) => `${m.file}:${m.line}`);
    expect(expected.length).toBeGreaterThanOrEqual(45);
    expect(safe.length).toBeGreaterThanOrEqual(45);
    const reported = reports.map((r) => `${r.file}:${lineOf(textByPath.get(r.file)!, r.start)}`);
    const describeReport = (location: string) => {
      const report = reports.find((r) => `${r.file}:${lineOf(textByPath.get(r.file)!, r.start)}` === location);
      return `${location} ${report?.message ?? ''}`;
    };
    expect({
      missing: expected.filter((line) => !reported.includes(line)),
      extra: reported.filter((line) => !expected.includes(line)).map(describeReport),
      duplicated: reported.filter((line, index) => reported.indexOf(line) !== index),
    }).toEqual({ missing: [], extra: [], duplicated: [] });
  });

  it('never prints a secret: every report redacts, and the message holds no long run of the redacted text', () => {
    for (const report of reports) {
      const text = textByPath.get(report.file)!;
      expect(report.redact?.length, report.message).toBeGreaterThan(0);
      for (const range of report.redact!) {
        expect(range.start).toBeGreaterThanOrEqual(report.start);
        expect(range.end).toBeLessThanOrEqual(report.end);
        const secret = text.slice(range.start, range.end);
        // Any 9 consecutive secret characters in a message would be a leak (the mask shows at most 4 + 4);
        // windows with spaces are PEM armor words (`OPENSSH PRIVATE KEY`), which the message may name.
        for (let index = 0; index + 9 <= secret.length; index++) {
          const window = secret.slice(index, index + 9);
          if (/\s/.test(window)) continue;
          expect(report.message.includes(window), report.message).toBe(false);
        }
      }
    }
  });
});

describe('maskSecret', () => {
  it('shows at most four characters at each end', () => {
    expect(maskSecret('sk_live_u8jzPde0IgxLd6GncfBAep4f2a')).toBe('sk_l****4f2a');
  });
  it('shows fewer characters of shorter values', () => {
    expect(maskSecret('J^cmeA!BHJ2m5qG')).toBe('J^****qG');
    expect(maskSecret('abcdefghij')).toBe('a****j');
  });
  it('shows nothing of values of 8 characters or fewer', () => {
    expect(maskSecret('hunter22')).toBe('**** (8 chars)');
    expect(maskSecret('')).toBe('**** (0 chars)');
  });
  it('keeps a multi-line key on one line', () => {
    expect(maskSecret('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).not.toContain('\n');
  });
});

describe('entropy', () => {
  it('measures bits per character', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBeCloseTo(2);
    expect(shannonEntropy('EbrUKpCUVl7dxXVTS2jUWfsOJTFDQ74q69dTcada4PR0Nfyt')).toBeGreaterThan(4.5);
  });
  it('counts character classes', () => {
    expect(characterClassCount('abc')).toBe(1);
    expect(characterClassCount('aB3$')).toBe(4);
  });
  it('recognises repeated and sequential strings', () => {
    expect(isLowVarietyString('xxxxxxxxxxxx')).toBe(true);
    expect(isLowVarietyString('abcabcabcabc')).toBe(true);
    expect(isLowVarietyString('12345678')).toBe(true);
    expect(isLowVarietyString('qwertyuiop')).toBe(true);
    expect(isLowVarietyString('jQKDVzk80b8OySAM1MHc')).toBe(false);
  });
});

describe('secret shapes', () => {
  it('has unique ids and keywords that every pattern needs', () => {
    const ids = SECRET_SHAPES.map((shape) => shape.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(SECRET_SHAPES.length).toBeGreaterThanOrEqual(60);
  });
  it.each([
    ['ghp_Wvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedU', 'GitHub token'],
    ['AKIAFHYM6L3VFZ5ZFKKI', 'AWS access key id'],
    ['sk-ant-api03-2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6-Wj9KfzjsQGMrb9h_ImB_LK777pzNk8cL6j5IXAAjlsHUqJoUD-_Ydua_5ZMs1SAA', 'Anthropic API key'],
    ['sk-proj-FLf6xuI5aHUQPFeNBTxaQWk8JzFalHlsZfYcMMDktXP-tKsf', 'OpenAI API key'],
    ['Authorization: token glpat-jIg8xNbe3nNyjOq9wMxE', 'GitLab token'],
  ])('finds %s', (value, description) => {
    expect(findSecretShape(value)?.description).toBe(description);
  });
  it.each([
    'AKIAIOSFODNN7EXAMPLE',
    'pk_live_51HqLyjWDarjtT1zdp7dcXk2dB8uYbQ3pVh',
    'sk-fading-circle-spinner-animation',
    'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----',
    'the_AKIAFHYM6L3VFZ5ZFKKI_inside_an_identifier',
  ])('ignores %s', (value) => {
    expect(findSecretShape(value)).toBeUndefined();
  });
  it('locates the secret inside a longer string', () => {
    const value = 'token=ghp_Wvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedU;';
    const match = findSecretShape(value)!;
    expect(value.slice(match.start, match.end)).toBe('ghp_Wvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedU');
  });
});

describe('names and placeholders', () => {
  it('normalises names', () => {
    expect(normalizeName('dbPassword')).toBe('db password');
    expect(normalizeName('DB_PASSWORD')).toBe('db password');
    expect(normalizeName('JWTSecretKey')).toBe('jwt secret key');
    expect(normalizeName('x-api-key')).toBe('x api key');
  });
  it('tells secret names from names about secrets', () => {
    expect(isSecretName('db password')).toBe(true);
    expect(isSecretName('client secret')).toBe(true);
    expect(isSecretName('secret or key')).toBe(true);
    expect(isSecretName('password field')).toBe(false);
    expect(isSecretName('token url')).toBe(false);
    expect(isSecretName('stripe publishable key')).toBe(false);
    expect(isSecretName('password hash')).toBe(false);
    expect(isSecretName('monkey')).toBe(false);
  });
  it.each(['changeme', 'dev-secret', '<your-token>', '${DB_PASSWORD}', 'mySuperSecretKey', 'postgres', 'Admin123!', 'keyboard cat', 'xxxxxxxxxx'])(
    'treats %s as a placeholder',
    (value) => {
      expect(isPlaceholderValue(value)).toBe(true);
    },
  );
  it.each(['J^cmeA!BHJ2m5qGeRz', 'EbrUKpCUVl7dxXVTS2jUWfsOJTFDQ74q69dTcada4PR0Nfyt'])('treats %s as a value', (value) => {
    expect(isPlaceholderValue(value)).toBe(false);
  });
});

describe('hardcoded-secret positions and context', () => {
  it('reports at the literal and redacts only the secret characters', () => {
    const code = `const billing = { stripeKey: 'sk_live_u8jzPde0IgxLd6GncfBAepfJ' };\n`;
    const [report, ...rest] = reportSource(code);
    expect(rest).toEqual([]);
    expect(code.slice(report!.start, report!.end)).toBe(`'sk_live_u8jzPde0IgxLd6GncfBAepfJ'`);
    expect(code.slice(report!.redact![0]!.start, report!.redact![0]!.end)).toBe('sk_live_u8jzPde0IgxLd6GncfBAepfJ');
    expect(report!.severity).toBe('critical');
    expect(report!.message).toBe(
      'Hardcoded Stripe live secret key `sk_l****epfJ` in `stripeKey`; load it from the environment or a secret manager and rotate it.',
    );
  });

  it('redacts the whole content when escapes make offsets differ', () => {
    const code = `const key = 'ghp_Wvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedU\\u0020';\n`;
    const [report] = reportSource(code);
    expect(report!.redact).toEqual([{ start: report!.start + 1, end: report!.end - 1 }]);
  });

  it('reports only the password of a connection URL', () => {
    const code = `const url = 'postgres://app:jQKDVzk80b8OySAM1MHc@db.internal/app';\n`;
    const [report] = reportSource(code);
    expect(code.slice(report!.redact![0]!.start, report!.redact![0]!.end)).toBe('jQKDVzk80b8OySAM1MHc');
    expect(report!.severity).toBe('high');
  });

  it('follows a const into jwt.sign, and reports at the const', () => {
    const code = [`import jwt from 'jsonwebtoken';`, `const KEY = 'Tr0ub4dor-and-3';`, `export const t = jwt.sign({}, KEY);`].join('\n');
    const reports = reportSource(code);
    expect(reports.map((r) => lineOf(code, r.start))).toEqual([2]);
    expect(reports[0]!.message).toContain('JWT signing key');
  });

  it('does not take a weak value for a secret by its name alone, only at a sink', () => {
    expect(reportSource(`const signingKey = 'ilovecats-and-dogs';`)).toEqual([]);
    expect(reportSource(`import jwt from 'jsonwebtoken'; jwt.sign({}, 'ilovecats-and-dogs');`)).toHaveLength(1);
  });

  it('ignores process.env reads with placeholder fallbacks, except a signing setting\'s guessable fallback (low)', () => {
    const code = [
      `const a = process.env.JWT_SECRET || 'changeme';`,
      `const b = process.env.JWT_SECRET ?? 'dev-secret';`,
      `const c = process.env.API_KEY ?? '';`,
      `const d = config.get('jwt.secret') || 'your-jwt-secret';`,
      `const e = process.env.STRIPE_API_KEY || 'your-stripe-key';`,
    ].join('\n');
    // A deployment that misses JWT_SECRET signs tokens with a value anyone reading the code knows.
    expect(reportSource(code).map((report) => `${code.slice(0, report.start).split('\n').length} ${report.severity}`)).toEqual(['1 low', '2 low']);
  });

  it('ignores type positions, module specifiers and property keys', () => {
    const code = [
      `import x from 'ghp_Wvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedU';`,
      `type T = 'sk_live_u8jzPde0IgxLd6GncfBAepfJ';`,
      `const o = { 'sk_live_u8jzPde0IgxLd6GncfBAepfJ': 1 };`,
    ].join('\n');
    expect(reportSource(code)).toEqual([]);
  });

  it('reports one finding per literal even when several detectors match', () => {
    const code = `const apiToken = 'https://u:ghp_Wvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedU@github.com';`;
    const reports = reportSource(code);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.message).toContain('GitHub token');
  });

  it('reads hardcoded secrets out of template literal parts but not substitutions', () => {
    expect(reportSource('const u = `postgres://app:jQKDVzk80b8OySAM1MHc@${host}/app`;')).toHaveLength(1);
    expect(reportSource('const u = `postgres://app:${password}@${host}/app`;')).toEqual([]);
  });

  it('positions env, JSON and YAML findings at their values', () => {
    const env = `# comment\nexport API_TOKEN="7nJE1shqWmxBqp7pgysA5kd1UsjObCZGvGiCaY18" # prod\n`;
    const json = `{\n  "auth": { "clientSecret": "KxU3f0BJxrxDwzkl.JwAryNzbi0hSQK.lb" }\n}\n`;
    const yaml = `auth:\n  password: 'lyfbdcJx3TDF8265' # db\n`;
    const reports = runRule([
      { path: '.env', text: env },
      { path: 'config.json', text: json },
      { path: 'config.yaml', text: yaml },
    ]);
    const texts: Record<string, string> = { '.env': env, 'config.json': json, 'config.yaml': yaml };
    expect(reports.map((r) => [r.file, lineOf(texts[r.file]!, r.start)])).toEqual([
      ['.env', 2],
      ['config.json', 2],
      ['config.yaml', 2],
    ]);
    const [envReport] = reports;
    expect(env.slice(envReport!.redact![0]!.start, envReport!.redact![0]!.end)).toBe('7nJE1shqWmxBqp7pgysA5kd1UsjObCZGvGiCaY18');
  });
});

describe('JSON string values (token reader and syntax-tree reader agree)', () => {
  const same = [
    '{"a": "one two", "b": {"c": "x\\"y\\\\z\\u00e9", "d": ["p", "q", {"e": "r"}]}, "f": 1.5e3, "g": [true, false, null], "h": -2}',
    '\ufeff{"key": "value"}',
    '["top", ["nested"], {"k": "v"}]',
    '"just a string"',
    '{\n  // comment with "quotes"\n  "password": "hunter22hunter22", /* block "x": "y" */\n  "list": ["a",],\n}',
    '{"": "empty key", "dup": "first", "dup": "second"}',
    '{\r\n\t"crlf": "value"\r\n}',
  ];
  for (const text of same) {
    it(`reads ${JSON.stringify(text.slice(0, 40))} as TypeScript's JSON parser does`, () => {
      const fast = readJsonStrings(text);
      expect(fast).toBeDefined();
      expect(fast).toEqual(jsonStringsFromSyntaxTree('a.json', text));
    });
  }
  for (const text of ["{'single': 'quotes'}", '{unquoted: "key"}', '{"open": ', '{"a": "b"]', '{"a": Infinity}']) {
    it(`leaves ${JSON.stringify(text)} to the syntax-tree reader`, () => {
      expect(readJsonStrings(text)).toBeUndefined();
    });
  }
  it('a secret in a JSON file the token reader cannot take is still found', () => {
    const text = "{'stripe': 'sk_live_" + '4eC39HqLyjWDarjtT1zdp7dc' + "'}";
    const reports = runRule([{ path: 'config/keys.json', text }]);
    expect(reports.map((report) => report.message)).toEqual([expect.stringContaining('Stripe')]);
  });
});

describe('looksLikeWords', () => {
  it('reads words, humps, separators and a short number or symbol at the end', async () => {
    const { looksLikeWords } = await import('../../src/rules/utils/secret-values.js');
    for (const words of ['admin123', 'Password1!', 'mySuperSecretKey', 'keyboard-cat', 'auth/token_expired', 'AWSRegion', 'a']) expect(looksLikeWords(words), words).toBe(true);
    for (const other of ['fooB', 'Ab', 'xK9mQ2vL8pR4', 'abc12345', 'foo__bar', '']) expect(looksLikeWords(other), other).toBe(false);
  });

  // The regular expression this replaced split a run of letters in exponentially many ways before
  // failing: a scan of a JSON status file holding this value under a secret-sounding key never ended.
  it('answers a long snake_case value with numbers inside it', async () => {
    const { looksLikeWords } = await import('../../src/rules/utils/secret-values.js');
    expect(looksLikeWords('passed_typecheck_eslint_prettier_brand_scan_full_1263_release_gate_11_of_11')).toBe(false);
    expect(looksLikeWords('passed_typecheck_eslint_prettier_brand_scan_full_release_gate_eleven_of_eleven')).toBe(true);
  });
});
