import { ts } from '#typescript';
import { EXISTING_RECORD_KEY, PATH_CONTAINMENT_CHECK, type TaintedCall } from '../engine/dataflow/engine.js';
import type { Taint, ValueOrigin } from '../engine/dataflow/taint.js';
import { skipOuterExpressions } from '../engine/ast/syntax.js';
import type { RuleContext } from '../engine/rule-api.js';
import { defineRule } from './define-rule.js';
import { FILE_NAME_ONLY_FUNCTIONS } from '../models/sanitizers.js';
import { fileSystemPathArguments } from './utils/file-system-sinks.js';
import { moduleCallee } from '../engine/names/index.js';
import { fieldOriginAtCaller, indexArguments } from './utils/object-argument-fields.js';
import { modelledSinkCalls, reportTaintedSink, routeLabel, taintOf } from './utils/tainted-sink.js';
import { passedTraversalBranchCheck } from './utils/traversal-branch-checks.js';
import { DIRECTORY_KEEPING_TRANSFORMS, KOA_SEND, RESPONSE_FILE_METHODS, SEND_ROOT_OPTION } from '../models/filesystem.js';
import { viewIndexOf, type ViewIndex } from '../engine/views.js';

// Pass-throughs that leave no directory part (models/sanitizers.ts), and the dataflow's checks that exit early: a
// containment check, and a lookup of the record the id names (a stored id holds no `/` or `..` the client chose).
const CONFINING_TRANSFORMS: ReadonlySet<string> = new Set([...FILE_NAME_ONLY_FUNCTIONS, PATH_CONTAINMENT_CHECK, EXISTING_RECORD_KEY]);
// Express response objects as handlers name them; `res.download` alone is too common a name
// (storage SDKs) to trust without the receiver.
const RESPONSE_NAMES = /^(?:res|response|resp)$/;

interface PathSink {
  /** The argument that holds the path (or the root that confines it). */
  argument: ts.Expression;
  origin: ValueOrigin;
  /** `fs.readFile()`, `res.sendFile() without a root`. */
  name: string;
  /**
   * The sink is an option inside an object (a view's locals): only the whole request body or
   * query passed as that object lets the client write the option; one field of it does not.
   */
  wholeInputOnly?: boolean;
  /** The options of that object the engine reads as a path (`layout`). */
  options?: readonly string[];
}

export default defineRule({
  meta: {
    id: 'path-traversal',
    title: 'Request data chooses a file-system path',
    severity: 'high',
    confidence: 'high',
    controls: {
      soc2: ['CC6.6', 'CC6.1'],
      owaspApi: [],
      cwe: ['CWE-22'],
      pciDss: ['6.2.4'],
      hipaa: ['164.312(a)(1)'],
      gdpr: ['Art. 32(1)(b)'],
    },
    docs: {
      description:
        'Finds request data that reaches the path of a file-system call (fs, fs/promises, fs-extra), res.sendFile/res.download without a root, or koa-send without a root, with no basename or containment check on the way; and the whole request body or query passed as the locals of an Express view whose engine reads a template path from them (the handlebars `layout` of hbs and express-handlebars).',
      remediation:
        'Take only a file name from the request (path.basename or an allowlist), resolve it under a fixed base directory and reject it unless the resolved path starts with that directory, or serve it with res.sendFile(name, { root }).',
    },
  },
  analyses: ['dataflow'],
  check(ctx) {
    const calls = ctx.dataflow.taintedCalls();
    const argumentsOfCalls = indexArguments(calls);
    let views: ViewIndex | undefined;
    const viewIndex = () => (views ??= viewIndexOf(ctx.sourceFiles, ctx.textFiles));
    for (const tainted of calls) {
      if (!ts.isCallExpression(tainted.call)) continue;
      for (const sink of pathSinks(ctx, tainted, tainted.call, viewIndex)) {
        let taint = taintOf(sink.origin, 'path');
        if (sink.wholeInputOnly) {
          const whole = taint?.inputBag !== undefined ? taint : undefined;
          if (whole && !sink.options?.some((option) => runsOnlyWithout(tainted.call, `${whole.source.label}.${option}`))) reportTaintedSink(ctx, tainted, whole, `Request input ${whole.source.label} is the whole locals object of ${sink.name} in ${routeLabel(tainted)}: the client can set the option, and with ../ have the view engine read any file the server can (local file inclusion).`, `${sink.name} reads the template it names`);
          continue;
        }
        // One field of an object the caller built: judge that field, not the whole object.
        const field = taint && fieldOriginAtCaller(ctx, sink.argument, taint, argumentsOfCalls);
        if (field) taint = taintOf(field, 'path');
        if (!taint || isConfined(ctx, taint, sink.argument)) continue;
        reportTaintedSink(
          ctx,
          tainted,
          taint,
          `Request input ${taint.source.label} reaches the path of ${sink.name} in ${routeLabel(tainted)}${describeTransforms(taint)}: a request can read or write files outside the intended directory (../ or an absolute path).`,
          `${sink.name} uses the path`,
          { administratorInput: true },
        );
      }
    }
    // A project's own wrapper that config `models` declares a path sink (its insides hidden from the scan).
    for (const { tainted, taint, sinkName } of modelledSinkCalls(ctx, 'path')) {
      reportTaintedSink(ctx, tainted, taint, `Request input ${taint.source.label} reaches the path of ${sinkName}, a file-system sink, in ${routeLabel(tainted)}: an attacker can read or write files outside the intended folder.`, `${sinkName} receives it as the path`);
    }
  },
});

function pathSinks(ctx: RuleContext, tainted: TaintedCall, call: ts.CallExpression, viewIndex: () => ViewIndex): PathSink[] {
  const callee = moduleCallee(ctx, tainted.file, call.expression);
  if (callee) {
    const fileSystem = fileSystemPathArguments(callee);
    if (fileSystem) {
      const name = `${callee.module}.${fileSystem.name}()`;
      return fileSystem.indexes.flatMap((index) => argumentSink(tainted, index, name));
    }
    if (KOA_SEND.packages.includes(callee.module) && (callee.members.length === 0 || (callee.members.length === 1 && KOA_SEND.exports.includes(callee.members[0]!)))) {
      return confinedByRoot(tainted, KOA_SEND.pathArgument, optionsArgument(call, KOA_SEND.optionsArgument), 'koa send()');
    }
    return [];
  }
  const target = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(target)) return [];
  const method = target.name.text;
  if (method === 'render' && tainted.route.framework === 'express' && isResponseObject(tainted, target.expression)) return renderLocalsSinks(tainted, call, viewIndex());
  if (!RESPONSE_FILE_METHODS.includes(method)) return [];
  if (tainted.route.framework === 'fastify') return fastifyStaticSinks(tainted, call, method);
  if (!isResponseObject(tainted, target.expression)) return [];
  // res.sendFile(path, options?, cb?); res.download(path, filename?, options?, cb?) — options may come second.
  const options = method === 'sendFile' ? optionsArgument(call, 1) : optionsArgument(call, 2) ?? optionsArgument(call, 1);
  return confinedByRoot(tainted, 0, options, `res.${method}()`);
}

/**
 * Express `res.render(view, locals)` hands the locals to the engine as its options: for a view whose
 * engine reads a template path from them (handlebars `layout`), the locals object is the sink.
 */
function renderLocalsSinks(tainted: TaintedCall, call: ts.CallExpression, views: ViewIndex): PathSink[] {
  const [nameArgument, locals] = call.arguments;
  const name = nameArgument && skipOuterExpressions(nameArgument);
  if (!locals || !name || !views.hasTemplates) return [];
  const viewName = ts.isStringLiteralLike(name) ? name.text : undefined;
  const template = viewName === undefined ? undefined : views.resolve(viewName);
  const options = template && views.engineOfTemplate(template)?.fileChoosingLocals;
  if (!options || options.length === 0) return [];
  return [{ argument: locals, origin: tainted.originOf(locals), name: `res.render('${viewName}') (the \`${options.join('`/`')}\` option of ${views.engineOfTemplate(template!)!.engine})`, wholeInputOnly: true, options }];
}

/** The call runs only when `field` (`req.body.layout`) is unset: in the else of `if (req.body.layout)`, or the then of `if (!req.body.layout)`. */
function runsOnlyWithout(call: ts.Node, field: string): boolean {
  const named = (expression: ts.Expression) => skipOuterExpressions(expression).getText().replace(/\s+/g, '').replace(/\?\./g, '.') === field;
  let child: ts.Node = call;
  for (let current = call.parent; current && !ts.isFunctionLike(current); child = current, current = current.parent) {
    if (!ts.isIfStatement(current)) continue;
    const condition = skipOuterExpressions(current.expression);
    if (current.elseStatement === child && named(condition)) return true;
    if (current.thenStatement === child && ts.isPrefixUnaryExpression(condition) && condition.operator === ts.SyntaxKind.ExclamationToken && named(condition.operand)) return true;
  }
  return false;
}

function argumentSink(tainted: TaintedCall, index: number, name: string): PathSink[] {
  const argument = tainted.call.arguments?.[index];
  return argument ? [{ argument, origin: tainted.argumentOrigins[index] ?? { kind: 'unknown' }, name }] : [];
}

/**
 * Express `send` and koa-send refuse `..` above `root` when one is given: then only a tainted root
 * is a finding. Without a root the path is used as it is (koa-send confines to the working
 * directory, which still serves the app's own sources and .env).
 */
function confinedByRoot(tainted: TaintedCall, pathIndex: number, options: ts.ObjectLiteralExpression | undefined, name: string): PathSink[] {
  const root = options && objectProperty(options, SEND_ROOT_OPTION);
  if (root) return [{ argument: root, origin: tainted.originOf(root), name: `${name} root` }];
  return argumentSink(tainted, pathIndex, `${name} without a root`);
}

/**
 * @fastify/static serves `reply.sendFile(name)` through `send` with the plugin's root, which rejects
 * `..` above it: only a root chosen by the request (`reply.sendFile(name, root)` or `{ root }`) escapes.
 */
function fastifyStaticSinks(tainted: TaintedCall, call: ts.CallExpression, method: string): PathSink[] {
  const second = call.arguments[1] && skipOuterExpressions(call.arguments[1]);
  const options = [optionsArgument(call, 1), optionsArgument(call, 2)].find((candidate) => candidate !== undefined);
  const root = options && objectProperty(options, SEND_ROOT_OPTION);
  if (root) return [{ argument: root, origin: tainted.originOf(root), name: `reply.${method}() root` }];
  if (method === 'sendFile' && second && !ts.isObjectLiteralExpression(second)) return argumentSink(tainted, 1, `reply.sendFile() root`);
  return [];
}

function isResponseObject(tainted: TaintedCall, receiver: ts.Expression): boolean {
  const inner = skipOuterExpressions(receiver);
  if (!ts.isIdentifier(inner)) return false;
  if (RESPONSE_NAMES.test(inner.text)) return true;
  const handlerResponse = tainted.route.handler?.node.parameters[1]?.name;
  return handlerResponse !== undefined && ts.isIdentifier(handlerResponse) && handlerResponse.text === inner.text;
}

function optionsArgument(call: ts.CallExpression, index: number): ts.ObjectLiteralExpression | undefined {
  const argument = call.arguments[index] && skipOuterExpressions(call.arguments[index]);
  return argument && ts.isObjectLiteralExpression(argument) ? argument : undefined;
}

function objectProperty(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

/** Basename, a containment check that exits, a branch that only runs without `/`/`..`. */
function isConfined(ctx: RuleContext, taint: Taint, argument: ts.Expression): boolean {
  if (taint.transforms.some((transform) => CONFINING_TRANSFORMS.has(transform))) return true;
  return passedTraversalBranchCheck(ctx, taint.steps, argument);
}

function describeTransforms(taint: Taint): string {
  const joins = taint.transforms.filter((transform) => DIRECTORY_KEEPING_TRANSFORMS.has(transform));
  return joins.length > 0 ? ` (through ${[...new Set(joins)].join(', ')}(), which keeps ../ segments)` : '';
}
