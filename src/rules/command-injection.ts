import { ts } from '#typescript';
import type { TaintedCall } from '../engine/dataflow/engine.js';
import type { Taint } from '../engine/dataflow/taint.js';
import { skipOuterExpressions } from '../engine/ast/syntax.js';
import { escapeRegExp } from '../engine/text.js';
import type { RuleContext } from '../engine/rule-api.js';
import { defineRule } from './define-rule.js';
import { importedValue, moduleCallee, type ImportedValue } from '../engine/names/index.js';
import { localInitializer, modelledSinkCalls, reportTaintedSink, routeLabel, taintOf } from './utils/tainted-sink.js';
import { COMMAND_ARGUMENT, COMMAND_SINKS, INSTANCE_COMMAND_SINKS, SHELL_OPTION, SHELL_PROGRAMS, SHELL_SCRIPT_FLAGS } from '../models/processes.js';

// Which functions start a process, how they run the command, and the shells: models/processes.ts.
// A shell program, by name or in /bin and /usr/bin.
const SHELL_PROGRAM = new RegExp(`^(?:(?:\\/usr)?\\/bin\\/)?(?:${SHELL_PROGRAMS.map(escapeRegExp).join('|')})$`, 'i');

export default defineRule({
  meta: {
    id: 'command-injection',
    title: 'Request data reaches an OS command',
    severity: 'critical',
    confidence: 'high',
    controls: {
      soc2: ['CC6.6', 'CC6.8'],
      owaspApi: [],
      cwe: ['CWE-78'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(c)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds request data that reaches a shell command (child_process exec/execSync, shelljs exec, spawn/execFile/execa with a shell or `sh -c`) or chooses the program a child process runs.',
      remediation:
        'Run a fixed program with execFile/spawn and pass request values as separate arguments (no shell), after checking them against an allowlist; never build a command string from input.',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    for (const tainted of ctx.dataflow.taintedCalls()) {
      if (!ts.isCallExpression(tainted.call)) continue;
      const remote = remoteShellMethod(ctx, tainted);
      if (remote) {
        const taint = taintOf(tainted.argumentOrigins[COMMAND_ARGUMENT], 'command');
        if (taint) reportTaintedSink(ctx, tainted, taint, `Request input ${taint.source.label} is part of the shell command run by ${remote} in ${routeLabel(tainted)}: an attacker can run commands of their choice on the host it connects to.`, `${remote} runs the command through the remote host's shell`);
        continue;
      }
      const sink = importedValue(ctx.modules, tainted.file, tainted.call.expression);
      if (!sink) continue;
      const finding = judge(tainted, sink);
      if (!finding) continue;
      const sinkName = `${sink.module}${sink.name === 'default' || sink.name === '*' ? '' : `.${sink.name}`}()`;
      reportTaintedSink(
        ctx,
        tainted,
        finding.taint,
        `Request input ${finding.taint.source.label} ${finding.how} ${sinkName} in ${routeLabel(tainted)}: an attacker can run commands of their choice on the server.`,
        `${sinkName} ${finding.sinkStep}`,
      );
    }
    // A project's own wrapper that config `models` declares a command sink (its insides hidden from the scan).
    for (const { tainted, taint, sinkName } of modelledSinkCalls(ctx, 'command')) {
      reportTaintedSink(ctx, tainted, taint, `Request input ${taint.source.label} reaches ${sinkName}, a command sink, in ${routeLabel(tainted)}: an attacker can run commands of their choice on the server.`, `${sinkName} receives it as the command`);
    }
  },
});

/**
 * `conn.exec(command)` on an SSH client a package exports (`conn = new Client()` from ssh2): the
 * sink's name (`ssh2 Client.exec()`), or undefined for any other call.
 */
function remoteShellMethod(ctx: RuleContext, tainted: TaintedCall): string | undefined {
  const resolved = moduleCallee(ctx, tainted.file, tainted.call.expression);
  if (!resolved || resolved.members.length !== 2) return undefined;
  const [constructed, method] = resolved.members as [string, string];
  for (const model of INSTANCE_COMMAND_SINKS) {
    if (model.package !== resolved.module || !model.methods.includes(method)) continue;
    const made = model.classes.find((name) => constructed === (name === 'default' ? 'new()' : `new ${name}()`));
    if (made) return `${model.package} ${made === 'default' ? '' : `${made}.`}${method}()`;
  }
  return undefined;
}

interface Finding {
  taint: Taint;
  how: string;
  sinkStep: string;
}

function judge(tainted: TaintedCall, sink: ImportedValue): Finding | undefined {
  const args: readonly ts.Expression[] = tainted.call.arguments ?? [];
  const command = taintOf(tainted.argumentOrigins[COMMAND_ARGUMENT], 'command');
  const form = COMMAND_SINKS.find((model) => model.package === sink.module && model.functions.includes(sink.name))?.form;
  if (form === 'shell') {
    return command && { taint: command, how: 'is part of the shell command run by', sinkStep: 'runs the command through a shell' };
  }
  if (form === 'split') {
    if (!command || !hasShellOption(args.slice(1))) return undefined;
    return { taint: command, how: 'is part of the shell command run by', sinkStep: 'runs the command through a shell (shell option)' };
  }
  if (form !== 'argv') return undefined;
  // The options object may come second (`spawn(cmd, { shell: true })`) or third.
  const argv = args[1] && !isObjectLike(args[1]) ? taintOf(tainted.argumentOrigins[1], 'command') : undefined;
  if (hasShellOption(args.slice(1))) {
    const taint = command ?? argv;
    return taint && { taint, how: command ? 'is the command that a shell runs in' : 'is an argument joined into the shell command of', sinkStep: 'runs through a shell (shell option)' };
  }
  if (command) return { taint: command, how: 'chooses the program run by', sinkStep: 'starts the program named by request input' };
  const program = args[0] && skipOuterExpressions(args[0]);
  if (argv && program && ts.isStringLiteralLike(program) && SHELL_PROGRAM.test(program.text) && scriptFlagBeforeTaint(tainted, args[1]!)) {
    return { taint: argv, how: `is part of the script run by ${program.text} ${scriptFlag(args[1]!)} through`, sinkStep: `starts ${program.text} with a script built from request input` };
  }
  return undefined;
}

function isObjectLike(expression: ts.Expression): boolean {
  const value = resolvedLiteral(expression);
  return value !== undefined && ts.isObjectLiteralExpression(value);
}

/** `{ shell: true }`, `{ ...base, shell: '/bin/bash' }`, or a local `const options = { shell: true }`. */
function hasShellOption(candidates: readonly ts.Expression[]): boolean {
  for (const candidate of candidates) {
    const value = resolvedLiteral(candidate);
    if (!value || !ts.isObjectLiteralExpression(value)) continue;
    for (const property of value.properties) {
      if (ts.isShorthandPropertyAssignment(property) && property.name.text === SHELL_OPTION) return true;
      if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name) || property.name.text !== SHELL_OPTION) continue;
      const setting = skipOuterExpressions(property.initializer);
      const off = setting.kind === ts.SyntaxKind.FalseKeyword || (ts.isIdentifier(setting) && setting.text === 'undefined');
      return !off;
    }
  }
  return false;
}

function resolvedLiteral(expression: ts.Expression): ts.Expression | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) return localInitializer(value);
  return value;
}

/** `['-c', script]`: a script flag comes before the first element carrying request data. */
function scriptFlagBeforeTaint(tainted: TaintedCall, argv: ts.Expression): boolean {
  const list = resolvedLiteral(argv);
  if (!list || !ts.isArrayLiteralExpression(list)) return false;
  let flagSeen = false;
  for (const element of list.elements) {
    if (ts.isStringLiteralLike(element) && SHELL_SCRIPT_FLAGS.has(element.text)) flagSeen = true;
    else if (taintOf(tainted.originOf(ts.isSpreadElement(element) ? element.expression : element), 'command')) return flagSeen;
  }
  return false;
}

function scriptFlag(argv: ts.Expression): string {
  const list = resolvedLiteral(argv);
  const flag = list && ts.isArrayLiteralExpression(list) ? list.elements.find((element) => ts.isStringLiteralLike(element) && SHELL_SCRIPT_FLAGS.has(element.text)) : undefined;
  return flag && ts.isStringLiteralLike(flag) ? flag.text : '-c';
}
