/**
 * `scan --format junit`: JUnit XML, which CI systems (GitLab, Jenkins, Azure, CircleCI) show as
 * tests. One test suite per rule; per rule, one test case per file it found something in (a
 * `<failure>` per finding) or, when it found nothing, one passing test case for the whole scan.
 * Scanned text is escaped for XML 1.0, including the control characters it forbids outright.
 */
import { entryName, type Finding, type RuleMeta, type ScanResult } from '../types.js';

export function formatJunit(result: ScanResult): string {
  const shown = result.findings.filter((finding) => !finding.suppression);
  const byRule = new Map<string, Finding[]>(result.rules.map((rule) => [rule.id, []]));
  for (const finding of shown) {
    const list = byRule.get(finding.ruleId);
    if (list) list.push(finding);
    else byRule.set(finding.ruleId, [finding]);
  }
  const titles = new Map(result.rules.map((rule: RuleMeta) => [rule.id, rule.title]));
  const suites: string[] = [];
  let tests = 0;
  for (const [ruleId, findings] of byRule) {
    const files = [...new Set(findings.map((finding) => finding.file))];
    const cases: string[] = [];
    if (files.length === 0) {
      const scanned = `${result.stats.filesScanned} file${result.stats.filesScanned === 1 ? '' : 's'}`;
      cases.push(`    <testcase classname="${attribute(ruleId)}" name="${attribute(`no finding in ${scanned}`)}"/>`);
    }
    for (const file of files) {
      const failures = findings
        .filter((finding) => finding.file === file)
        .map((finding) => `      <failure message="${attribute(`${finding.line}:${finding.column} ${finding.message}`)}" type="${finding.severity}">${elementText(details(finding))}</failure>`);
      cases.push(`    <testcase classname="${attribute(ruleId)}" name="${attribute(file)}" file="${attribute(file)}">`, ...failures, '    </testcase>');
    }
    const testCount = Math.max(1, files.length);
    tests += testCount;
    suites.push(
      `  <testsuite name="${attribute(`${ruleId}: ${titles.get(ruleId) ?? ruleId}`)}" tests="${testCount}" failures="${files.length}" errors="0" skipped="0">`,
      ...cases,
      '  </testsuite>',
    );
  }
  const failedCases = [...byRule.values()].reduce((sum, findings) => sum + new Set(findings.map((finding) => finding.file)).size, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="trustscan" tests="${tests}" failures="${failedCases}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function details(finding: Finding): string {
  const lines = [`${finding.severity} ${finding.ruleId} at ${finding.file}:${finding.line}:${finding.column}`, finding.message];
  if (finding.route) lines.push(`route: ${entryName(finding.route)}`);
  for (const frame of finding.codeFrame) lines.push(`${frame.line === finding.line ? '>' : ' '} ${frame.line} | ${frame.text}`.trimEnd());
  finding.trace.forEach((step, index) => lines.push(`trace ${index + 1}. ${step.file}:${step.line}:${step.column} ${step.message}`));
  if (finding.controls.soc2.length > 0) lines.push(`SOC 2: ${finding.controls.soc2.join(', ')}`);
  lines.push(`fix: ${finding.remediation}`);
  return lines.join('\n');
}

/**
 * XML 1.0 allows tab, LF, CR and U+0020 up: anything else (other C0 controls, lone surrogates,
 * U+FFFE/U+FFFF) makes the document ill-formed, so a consumer would drop the whole report. They
 * are written as visible escapes (`\x1b`), like the text report does. C1 controls and bidi
 * overrides are legal XML but can disguise text in a viewer: escaped too.
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(value: string): string {
  return value.replace(XML_FORBIDDEN, (character) => {
    const unit = character.charCodeAt(0);
    return unit <= 0xff ? `\\x${unit.toString(16).padStart(2, '0')}` : `\\u${unit.toString(16).padStart(4, '0')}`;
  });
}

function elementText(value: string): string {
  return visible(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value in double quotes; tab, CR and LF as references (a parser would turn them into spaces). */
function attribute(value: string): string {
  return elementText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}
