import { ts } from '#typescript';
import type { TaintedCall } from '../engine/dataflow/engine.js';
import type { Taint } from '../engine/dataflow/taint.js';
import { skipOuterExpressions } from '../engine/ast/syntax.js';
import type { RuleContext } from '../engine/rule-api.js';
import { defineRule } from './define-rule.js';
import { MODULE_NAME_CONFINING_FUNCTIONS } from '../models/sanitizers.js';
import { importedValue, type ImportedValue } from '../engine/names/index.js';
import { localInitializer, modelledSinkCalls, reportTaintedSink, routeLabel, taintOf } from './utils/tainted-sink.js';
// Which globals, node:vm functions and sandboxes evaluate code: models/code-evaluation.ts.
import { ESCAPABLE_SANDBOXES, GLOBAL_EVALUATORS, NODE_VM, VM2 } from '../models/code-evaluation.js';

export default defineRule({
  meta: {
    id: 'code-injection',
    title: 'Request data is evaluated as code',
    severity: 'critical',
    confidence: 'high',
    controls: {
      soc2: ['CC6.6', 'CC6.8'],
      owaspApi: [],
      cwe: ['CWE-94', 'CWE-95'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(c)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds request data evaluated as JavaScript: eval, new Function, node:vm, vm2 and notevil-style sandboxes, and require()/import() of a module the request names.',
      remediation:
        'Never evaluate request data: parse it as data (JSON.parse, a math-expression parser), map it to a fixed set of functions or modules, and keep vm/vm2 for trusted code only.',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    for (const tainted of ctx.dataflow.taintedCalls()) {
      const finding = judge(ctx, tainted);
      if (!finding) continue;
      reportTaintedSink(
        ctx,
        tainted,
        finding.taint,
        `Request input ${finding.taint.source.label} ${finding.how} in ${routeLabel(tainted)}: an attacker can run JavaScript of their choice on the server.`,
        finding.sinkStep,
      );
    }
    // A project's own wrapper that config `models` declares a code sink (its insides hidden from the scan).
    for (const { tainted, taint, sinkName } of modelledSinkCalls(ctx, 'code')) {
      reportTaintedSink(ctx, tainted, taint, `Request input ${taint.source.label} reaches ${sinkName}, a code sink, in ${routeLabel(tainted)}: an attacker can run code of their choice in the server process.`, `${sinkName} receives it as the code`);
    }
  },
});

interface Finding {
  taint: Taint;
  how: string;
  sinkStep: string;
}

function judge(ctx: RuleContext, tainted: TaintedCall): Finding | undefined {
  const call = tainted.call;
  const callee = skipOuterExpressions(call.expression);
  const first = taintOf(tainted.argumentOrigins[0], 'code');

  // Dynamic import(x): the callee is the `import` keyword.
  if (callee.kind === ts.SyntaxKind.ImportKeyword) return moduleLoad(first, 'import()');

  if (ts.isIdentifier(callee) && isGlobal(ctx, tainted, callee)) {
    if (callee.text === 'eval') return first && { taint: first, how: 'is evaluated by eval()', sinkStep: 'eval() runs the value as JavaScript' };
    if (callee.text === 'Function') {
      const taint = tainted.argumentOrigins.map((origin) => taintOf(origin, 'code')).find(Boolean);
      return taint && { taint, how: `is compiled by ${ts.isNewExpression(call) ? 'new ' : ''}Function()`, sinkStep: 'Function() compiles the value as a function body' };
    }
    if (callee.text === 'require') return moduleLoad(first, 'require()');
  }

  const sink = importedValue(ctx.modules, tainted.file, callee);
  if (sink?.module === NODE_VM.package) {
    if (!NODE_VM.functions.has(sink.name)) return undefined;
    if (first) return { taint: first, how: `is run by vm.${sink.name}()`, sinkStep: `vm.${sink.name}() compiles the value as JavaScript (a vm context is no sandbox)` };
    if (NODE_VM.withContext.has(sink.name)) return evaluatorInContext(ctx, tainted, sink);
    return undefined;
  }
  if (sink && isEscapableSandbox(sink)) {
    return first && { taint: first, how: `is evaluated by ${sink.module}`, sinkStep: `${sink.module} evaluates the value in a sandbox with known escapes` };
  }
  // vm2: new VM().run(code), vm.run(code) where vm = new NodeVM(...)
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === VM2.method && first) {
    const machine = constructedClass(ctx, tainted, callee.expression);
    if (machine?.module === VM2.package && VM2.machines.includes(machine.name)) {
      return { taint: first, how: `is run by vm2 ${machine.name}.run()`, sinkStep: 'vm2 runs the value; vm2 is discontinued with unfixed sandbox escapes' };
    }
  }
  return undefined;
}

/** require(x) / import(x) of a module the request names: loads and runs any file an attacker can point at. */
function moduleLoad(taint: Taint | undefined, how: string): Finding | undefined {
  if (!taint || taint.transforms.some((transform) => MODULE_NAME_CONFINING_FUNCTIONS.includes(transform))) return undefined;
  return { taint, how: `names the module loaded by ${how}`, sinkStep: `${how} loads and runs the module the request names` };
}

/** A name with no import or declaration in scope: the global `eval`, `Function`, `setTimeout`. */
function isGlobal(ctx: RuleContext, tainted: TaintedCall, identifier: ts.Identifier): boolean {
  return localInitializer(identifier) === undefined && ctx.modules.resolveName(tainted.file, identifier.text) === undefined;
}

/** The class `x` was constructed from: `new VM()` itself, or a variable holding one. */
function constructedClass(ctx: RuleContext, tainted: TaintedCall, expression: ts.Expression): ImportedValue | undefined {
  let value: ts.Expression | undefined = skipOuterExpressions(expression);
  if (ts.isIdentifier(value)) {
    const identifier = value;
    value = localInitializer(identifier);
    if (!value) {
      const binding = ctx.modules.resolveName(tainted.file, identifier.text);
      if (binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) && binding.node.initializer) {
        value = skipOuterExpressions(binding.node.initializer);
        if (ts.isNewExpression(value)) return importedValue(ctx.modules, binding.file, value.expression);
      }
      return undefined;
    }
  }
  return value && ts.isNewExpression(value) ? importedValue(ctx.modules, tainted.file, value.expression) : undefined;
}

/**
 * `vm.runInContext('safeEval(lines)', { safeEval, lines })`: the code is fixed, but it hands request
 * data to an evaluator placed in the context. The code text must call that evaluator on that data.
 */
function evaluatorInContext(ctx: RuleContext, tainted: TaintedCall, sink: ImportedValue): Finding | undefined {
  const [codeArgument, contextArgument] = tainted.call.arguments ?? [];
  if (!codeArgument || !contextArgument) return undefined;
  const code = skipOuterExpressions(codeArgument);
  if (!ts.isStringLiteralLike(code)) return undefined;
  let context: ts.Expression | undefined = skipOuterExpressions(contextArgument);
  if (ts.isIdentifier(context)) context = localInitializer(context);
  if (!context || !ts.isObjectLiteralExpression(context)) return undefined;
  const evaluators: string[] = [];
  const data: Array<{ name: string; taint: Taint }> = [];
  for (const property of context.properties) {
    const name = property.name && ts.isIdentifier(property.name) ? property.name.text : undefined;
    const valueNode = ts.isShorthandPropertyAssignment(property) ? property.name : ts.isPropertyAssignment(property) ? property.initializer : undefined;
    if (!name || !valueNode) continue;
    if (isEvaluator(ctx, tainted, valueNode)) evaluators.push(name);
    const taint = taintOf(tainted.originOf(valueNode), 'code');
    if (taint) data.push({ name, taint });
  }
  for (const evaluator of evaluators) {
    for (const item of data) {
      if (new RegExp(`\\b${evaluator}\\s*\\(\\s*${item.name}\\b`).test(code.text)) {
        return { taint: item.taint, how: `is evaluated by ${evaluator}() inside vm.${sink.name}()`, sinkStep: `vm.${sink.name}('${code.text}') evaluates the request data with ${evaluator}` };
      }
    }
  }
  return undefined;
}

function isEvaluator(ctx: RuleContext, tainted: TaintedCall, value: ts.Expression): boolean {
  const inner = skipOuterExpressions(value);
  if (ts.isIdentifier(inner) && GLOBAL_EVALUATORS.includes(inner.text) && isGlobal(ctx, tainted, inner)) return true;
  const imported = importedValue(ctx.modules, tainted.file, inner);
  return imported !== undefined && isEscapableSandbox(imported);
}

function isEscapableSandbox(value: ImportedValue): boolean {
  return ESCAPABLE_SANDBOXES.some((sandbox) => sandbox.package === value.module && sandbox.exports.includes(value.name));
}
