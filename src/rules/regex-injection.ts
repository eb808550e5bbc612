import { ts } from '#typescript';
import type { TaintedCall } from '../engine/dataflow/engine.js';
import type { Taint, ValueOrigin } from '../engine/dataflow/taint.js';
import { propertyNameText, skipOuterExpressions } from '../engine/ast/syntax.js';
import { localBinding, localInitializer } from '../engine/names/index.js';
import { own } from '../engine/own.js';
import type { RuleContext } from '../engine/rule-api.js';
import { defineRule } from './define-rule.js';
import { modelledSinkCalls, reportTaintedSink, routeLabel, taintOf } from './utils/tainted-sink.js';
// What builds a regular expression from a string: models/regular-expressions.ts.
import { PATTERN_CONSTRUCTOR, PATTERN_OPERATOR, STRING_PATTERN_METHODS } from '../models/regular-expressions.js';

export default defineRule({
  meta: {
    id: 'regex-injection',
    title: 'Request data is compiled as a regular expression',
    severity: 'medium',
    confidence: 'high',
    controls: {
      soc2: ['CC6.6', 'CC7.1'],
      owaspApi: ['API4:2023'],
      cwe: ['CWE-1333', 'CWE-730'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(c)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds request data used as the pattern of a regular expression: new RegExp(input), str.match/matchAll/search(input), and a MongoDB $regex operand. A pattern such as (a+)+$ makes matching take exponential time on one request (ReDoS), and `.*` matches every record a search was meant to narrow.',
      remediation:
        'Escape the input before building the pattern (escape-string-regexp, lodash escapeRegExp, or s.replace(/[.*+?^${}()|[\\]\\\\]/g, "\\\\$&")), or match it as text (includes, startsWith, a MongoDB $text index), and cap its length.',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    for (const tainted of ctx.dataflow.taintedCalls()) {
      for (const finding of judge(ctx, tainted)) {
        reportTaintedSink(ctx, tainted, finding.taint, `Request input ${finding.taint.source.label} ${finding.how} in ${routeLabel(tainted)}: a crafted pattern can make matching take exponential time (ReDoS) or match far more than intended.`, finding.sinkStep);
      }
    }
    // A project's own wrapper that config `models` declares a regex sink (its insides hidden from the scan).
    for (const { tainted, taint, sinkName } of modelledSinkCalls(ctx, 'regex')) {
      reportTaintedSink(ctx, tainted, taint, `Request input ${taint.source.label} reaches ${sinkName}, a regular-expression sink, in ${routeLabel(tainted)}: a crafted pattern can make matching take exponential time (ReDoS).`, `${sinkName} receives it as the pattern`);
    }
  },
});

interface Finding {
  taint: Taint;
  how: string;
  sinkStep: string;
}

function judge(ctx: RuleContext, tainted: TaintedCall): Finding[] {
  const call = tainted.call;
  const callee = skipOuterExpressions(call.expression);
  // `new RegExp(q, 'i')`, `RegExp(q)`: the global constructor (a local of the same name is something else).
  if (ts.isIdentifier(callee) && callee.text === PATTERN_CONSTRUCTOR && !declaredLocally(ctx, tainted, callee)) {
    const taint = taintOf(tainted.argumentOrigins[0], 'regex');
    return taint ? [{ taint, how: `is the pattern of ${ts.isNewExpression(call) ? 'new ' : ''}${PATTERN_CONSTRUCTOR}()`, sinkStep: `${PATTERN_CONSTRUCTOR}() compiles it as a regular expression` }] : [];
  }
  // `name.match(q)`: a string argument is compiled with new RegExp(q).
  const receiverMust = ts.isPropertyAccessExpression(callee) ? own(STRING_PATTERN_METHODS, callee.name.text) : undefined;
  if (ts.isCallExpression(call) && ts.isPropertyAccessExpression(callee) && receiverMust && call.arguments.length >= 1) {
    // An options object or a list is another API's argument (`client.search({ query })`).
    if (!textArgument(call.arguments[0]!) || (receiverMust === 'text' && !writtenAsText(callee.expression))) return [];
    // `SessionToken.match(token)`, `table.match(path)`: the method of a class the project declares, no string's.
    if (projectObject(ctx, tainted, callee.expression)) return [];
    const taint = taintOf(tainted.argumentOrigins[0], 'regex');
    const receiver = tainted.receiverOrigin;
    // The request's own text searched with itself is no pattern the server relies on; anything else is.
    if (taint && receiver?.kind !== 'tainted') return [{ taint, how: `is the pattern of .${callee.name.text}(), which compiles a string argument as a regular expression`, sinkStep: `.${callee.name.text}() compiles it as a regular expression` }];
    return [];
  }
  // `{ name: { $regex: q } }` in a query: MongoDB compiles it on the server. Written in the call, or
  // in a filter a helper built and returned (the operand is then a field of the argument's value).
  const operands = (call.arguments ?? []).flatMap((argument, index) => [...patternOperands(argument).map((operand) => tainted.originOf(operand)), ...patternFields(tainted.argumentOrigins[index])]);
  for (const operand of operands) {
    const taint = taintOf(operand, 'regex');
    if (taint) return [{ taint, how: `is the ${PATTERN_OPERATOR} operand of a query filter`, sinkStep: `${PATTERN_OPERATOR} compiles it as a regular expression on the database server` }];
  }
  return [];
}

/** The `$regex` members of a value built as an object, at any depth (what a filter helper returned). */
function patternFields(origin: ValueOrigin | undefined, depth = 0): ValueOrigin[] {
  const fields = origin && (origin.kind === 'tainted' || origin.kind === 'constant') ? origin.fields : undefined;
  if (!fields || depth > 6) return [];
  return Object.entries(fields).flatMap(([name, field]) => (name === PATTERN_OPERATOR ? [field] : patternFields(field, depth + 1)));
}

function textArgument(argument: ts.Expression): boolean {
  const value = skipOuterExpressions(argument);
  return !(ts.isObjectLiteralExpression(value) || ts.isArrayLiteralExpression(value) || ts.isFunctionLike(value) || value.kind === ts.SyntaxKind.RegularExpressionLiteral);
}

/** A receiver the code shows is text: a string or template literal, `String(x)`, a string method's result, or a local holding one. */
function writtenAsText(receiver: ts.Expression, depth = 0): boolean {
  const value = skipOuterExpressions(receiver);
  if (ts.isStringLiteralLike(value) || ts.isTemplateExpression(value)) return true;
  if (ts.isCallExpression(value)) {
    const callee = skipOuterExpressions(value.expression);
    if (ts.isIdentifier(callee)) return callee.text === 'String';
    return ts.isPropertyAccessExpression(callee) && TEXT_RESULT_METHODS.has(callee.name.text);
  }
  if (ts.isIdentifier(value) && depth < 3) {
    const initializer = localInitializer(value);
    return initializer !== undefined && writtenAsText(initializer, depth + 1);
  }
  return false;
}

/** Methods whose result is a string whatever they are called on (of the ones code calls on text). */
const TEXT_RESULT_METHODS: ReadonlySet<string> = new Set(['toString', 'toLowerCase', 'toUpperCase', 'trim', 'trimStart', 'trimEnd', 'normalize', 'padStart', 'padEnd', 'toLocaleLowerCase', 'toLocaleUpperCase']);

/** The `$regex` operands written in a filter literal, at any depth (`{ $or: [{ name: { $regex: q } }] }`). */
function patternOperands(argument: ts.Expression): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Expression, depth: number): void => {
    const value = skipOuterExpressions(node);
    if (depth > 6) return;
    if (ts.isArrayLiteralExpression(value)) {
      for (const element of value.elements) if (!ts.isSpreadElement(element) && !ts.isOmittedExpression(element)) visit(element, depth + 1);
      return;
    }
    if (!ts.isObjectLiteralExpression(value)) return;
    for (const property of value.properties) {
      const name = property.name && propertyNameText(property.name);
      if (ts.isPropertyAssignment(property)) {
        if (name === PATTERN_OPERATOR) found.push(property.initializer);
        else visit(property.initializer, depth + 1);
      } else if (ts.isShorthandPropertyAssignment(property) && name === PATTERN_OPERATOR) found.push(property.name);
    }
  };
  visit(argument, 0);
  return found;
}

/**
 * A receiver the code shows is no string: a class or function the project declares (its static
 * method), or a name holding an instance the project constructs (`const table = new RouteTable()`)
 * or an object literal. Such a `match` is the project's own method.
 */
function projectObject(ctx: RuleContext, tainted: TaintedCall, receiver: ts.Expression): boolean {
  const value = skipOuterExpressions(receiver);
  if (!ts.isIdentifier(value)) return false;
  const local = localBinding(value);
  if (local) {
    const initializer = ts.isVariableDeclaration(local) ? localInitializer(value) : undefined;
    return initializer !== undefined && (ts.isNewExpression(initializer) || ts.isObjectLiteralExpression(initializer) || ts.isClassExpression(initializer));
  }
  const binding = ctx.modules.resolveName(tainted.file, value.text);
  if (binding?.kind === 'namespace') return true;
  if (binding?.kind !== 'declaration') return false;
  const node = binding.node;
  if (ts.isClassDeclaration(node) || ts.isFunctionDeclaration(node) || ts.isClassExpression(node) || ts.isEnumDeclaration(node)) return true;
  const initializer = ts.isVariableDeclaration(node) && node.initializer ? skipOuterExpressions(node.initializer) : undefined;
  return initializer !== undefined && (ts.isNewExpression(initializer) || ts.isObjectLiteralExpression(initializer) || ts.isClassExpression(initializer));
}

/** A name the code declares (a parameter, a local, a function of the module, an import) shadows the global. */
function declaredLocally(ctx: RuleContext, tainted: TaintedCall, identifier: ts.Identifier): boolean {
  return localBinding(identifier) !== undefined || ctx.modules.resolveName(tainted.file, identifier.text) !== undefined;
}
