import { ts } from '#typescript';
import { mentionsName } from '../../engine/text.js';
import { skipOuterExpressions } from '../../engine/ast/syntax.js';
import { walkDescendants } from '../../engine/ast/file-index.js';
import { type ModuleIndex, resolveFunction } from '../../engine/names/index.js';
import { taintFor, type Taint, type ValueOrigin } from '../../engine/dataflow/taint.js';
import { URL_COMPONENT_ENCODERS as ENCODING_TRANSFORMS } from '../../models/sanitizers.js';
import type { ScannedSourceFile } from '../../types.js';
import { localDeclaration } from './tainted-sink.js';
// Options that name the target of an outgoing request, and the encoders that make a value one path/query component.
import { HOST_OPTIONS, URL_OPTIONS } from '../../models/http-clients.js';
import { ValueProver } from '../../engine/dataflow/value-proof.js';

/** How request data decides where an outgoing request goes. */
export interface HostControl {
  taint: Taint;
  /** `is the whole URL`, `chooses the host`, `is appended to ${base} with no '/' between` */
  how: string;
  confidence: 'high' | 'medium';
  /** The callers' arguments the value was followed through (`downloadAndCache(certUrl)`): a check before any of them guards the sink. */
  passedAt?: ts.Expression[];
}

export interface UrlContext {
  modules: ModuleIndex;
  file: ScannedSourceFile;
  originOf(expression: ts.Expression): ValueOrigin;
  /** A parameter's value at the call that passed it (one level up the trace), when known. */
  callerArgument?(parameter: ts.Identifier): { expression: ts.Expression; context: UrlContext } | undefined;
}

// A scheme (or a config value, `${APP_SCHEME}://`) and authority followed by a separator, or a config value (with fixed
// text and other placeholders after it: `${config.workerHost}-${shardNumber}`) then a separator.
const FIXED_ORIGIN = /^(?:(?:[a-z][a-z0-9+.-]*|\0+):\/\/[^/?#\\]*|\0[^/?#\\]*)[/?#]/i;
// A relative path that cannot turn protocol-relative (`/api/x`, `users/`, `?q=`).
const RELATIVE_PATH = /^(?:\/[^/\\\0]|[?#]|[a-z0-9_.-]+\/)/i;
const MAX_DEPTH = 6;

/**
 * Whether request data controls the scheme or host of a URL expression. A value appended after a
 * fixed origin and a `/` (`${API}/users/${id}`), or encoded with encodeURIComponent, only chooses
 * a path or query: that is not reported (much weaker, and the usual way to call an API).
 */
export function requestControlsHost(expression: ts.Expression, context: UrlContext, prefix: 'concatenated' | 'overridable' | undefined, depth = 0): HostControl | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = skipOuterExpressions(expression);
  if (ts.isObjectLiteralExpression(value)) return optionsControlHost(value, context, depth);
  if (ts.isTemplateExpression(value) || (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken)) {
    return concatenationControlsHost(piecesWithHelpers(value, context), context, prefix);
  }
  // `snapshotId ? \`http://${worker}/snapshots/${id}\` : \`http://${worker}/files/${id}\``: either URL may be the one sent.
  if (ts.isConditionalExpression(value)) {
    return requestControlsHost(value.whenTrue, context, prefix, depth + 1) ?? requestControlsHost(value.whenFalse, context, prefix, depth + 1);
  }
  // `formatPath(\`/o/${orgUrl}\`)`, `loginUrlOf(orgUrl)`: a project helper that returns a template is read as that template.
  if (ts.isCallExpression(value)) {
    const inlined = inlinedHelper(value, context.file, context.modules, undefined, 0);
    if (inlined) return concatenationControlsHost(inlined, context, prefix);
  }
  if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'URL') {
    const [input, base] = value.arguments ?? [];
    if (!input) return undefined;
    const fromInput = requestControlsHost(input, context, base ? 'overridable' : prefix, depth + 1);
    if (fromInput || !base) return fromInput;
    // new URL('/fixed/path', base): the base decides the host.
    return isRelative(input, context) ? requestControlsHost(base, context, undefined, depth + 1) : undefined;
  }
  // url.href, url.toString(): follow to the URL object.
  if (ts.isPropertyAccessExpression(value) && (value.name.text === 'href' || value.name.text === 'origin') && ts.isIdentifier(skipOuterExpressions(value.expression))) {
    return requestControlsHost(value.expression, context, prefix, depth + 1);
  }
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === 'toString' && value.arguments.length === 0) {
    return requestControlsHost(value.expression.expression, context, prefix, depth + 1);
  }
  if (ts.isIdentifier(value)) {
    const declaration = localDeclaration(value);
    // `const target = new URL(request.url); target.hostname = API_HOST`: a proxy that keeps the path and
    // sends the request to a host of its own choosing.
    if (declaration && ts.isIdentifier(declaration.name) && hostSetBefore(declaration, value, context)) return undefined;
    if (declaration?.initializer && ts.isIdentifier(declaration.name) && (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0) {
      return requestControlsHost(declaration.initializer, context, prefix, depth + 1);
    }
    // `let nextUrl = url.toString(); while (nextUrl) { ...; nextUrl = paging?.next }`: every value the
    // variable is given, when each is a plain `=` in its function; request data must reach one of them.
    if (declaration && ts.isIdentifier(declaration.name) && (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Let) !== 0) {
      const values = assignedValues(declaration);
      if (values) {
        for (const assigned of values) {
          const control = requestControlsHost(assigned, context, prefix, depth + 1);
          if (control) return control;
        }
        return undefined;
      }
    }
    const caller = !declaration ? context.callerArgument?.(value) : undefined;
    if (caller) {
      const control = requestControlsHost(caller.expression, caller.context, prefix, depth + 1);
      return control && { ...control, passedAt: [caller.expression, ...(control.passedAt ?? [])] };
    }
  }
  return wholeValue(value, context, prefix);
}

/** A value we cannot see inside: it controls the host unless it is encoded or appended to a prefix. */
function wholeValue(value: ts.Expression, context: UrlContext, prefix: 'concatenated' | 'overridable' | undefined): HostControl | undefined {
  const taint = taintFor(context.originOf(value), 'url');
  if (!taint || isEncoded(taint) || prefix === 'concatenated') return undefined;
  const how = prefix === 'overridable' ? 'is the whole URL (an absolute URL replaces the base URL)' : 'is the whole URL';
  return { taint, how, confidence: 'high' };
}

function optionsControlHost(options: ts.ObjectLiteralExpression, context: UrlContext, depth: number): HostControl | undefined {
  const base = HOST_OPTIONS.map((name) => property(options, name)).find((found) => found !== undefined);
  for (const name of HOST_OPTIONS) {
    const initializer = property(options, name);
    if (!initializer) continue;
    const control = requestControlsHost(initializer, context, undefined, depth + 1);
    if (control) return { ...control, how: `chooses the ${name}` };
  }
  for (const name of URL_OPTIONS) {
    const initializer = property(options, name);
    if (initializer) return requestControlsHost(initializer, context, base ? 'overridable' : undefined, depth + 1);
  }
  return undefined;
}

type Piece = { text: string } | { expression: ts.Expression };

function flattenPieces(value: ts.Expression): Piece[] {
  const inner = skipOuterExpressions(value);
  if (ts.isTemplateExpression(inner)) {
    const pieces: Piece[] = [{ text: inner.head.text }];
    for (const span of inner.templateSpans) pieces.push({ expression: span.expression }, { text: span.literal.text });
    return pieces;
  }
  if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.PlusToken) return [...flattenPieces(inner.left), ...flattenPieces(inner.right)];
  if (ts.isStringLiteralLike(inner)) return [{ text: inner.text }];
  return [{ expression: inner }];
}

/** The pieces of a concatenation, with each project helper call among them read as the template it returns. */
function piecesWithHelpers(value: ts.Expression, context: UrlContext): Piece[] {
  return flattenPieces(value).flatMap((piece) => {
    if ('text' in piece) return [piece];
    let inner = skipOuterExpressions(piece.expression);
    // `const worker = getDatasetWorker(datasetId)`, then `http://${worker}/...`: the local is the call it holds.
    if (ts.isIdentifier(inner)) {
      const declaration = localDeclaration(inner);
      const initializer = declaration?.initializer && ts.isIdentifier(declaration.name) && (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0 ? skipOuterExpressions(declaration.initializer) : undefined;
      if (initializer && ts.isCallExpression(initializer)) inner = initializer;
    }
    return (ts.isCallExpression(inner) && inlinedHelper(inner, context.file, context.modules, undefined, 0)) || [piece];
  });
}

const provers = new WeakMap<ModuleIndex, ValueProver>();
/** A call proven to give a number (`getDatasetEndpoint(id)`, returning `parseInt(hash, 16) % n`): no text of its argument survives. */
function isNumberCall(value: ts.Expression, file: ScannedSourceFile, modules: ModuleIndex): boolean {
  if (!ts.isCallExpression(value)) return false;
  let prover = provers.get(modules);
  if (!prover) provers.set(modules, (prover = new ValueProver(modules)));
  return prover.prove(value, file)?.kind === 'number';
}

const MAX_HELPER_DEPTH = 3;

/**
 * What a call to a project helper whose body returns one template or concatenation builds
 * (`formatPath = (path) => \`${getBasePath()}${path}\``, `loginUrl = (org) => WEBAPP_URL() + loginPath(org)`),
 * as pieces in the caller's terms: the helper's parameters replaced by the caller's arguments, its
 * own constants as text, anything else of its own (config, `getBasePath()`) a placeholder. Undefined
 * when the helper cannot be read so (several statements, a destructured or rest parameter, a
 * parameter used inside another expression than a helper call).
 * `env`: the helper's parameters already bound, for a helper called from another helper.
 */
function inlinedHelper(call: ts.CallExpression, file: ScannedSourceFile, modules: ModuleIndex, env: ReadonlyMap<string, Piece[]> | undefined, depth: number): Piece[] | undefined {
  if (depth > MAX_HELPER_DEPTH) return undefined;
  const helper = resolveFunction(modules, file, call.expression);
  const returned = helper && singleReturned(helper.node);
  if (!helper || !returned) return undefined;
  const returnedValue = skipOuterExpressions(returned);
  if (!ts.isTemplateExpression(returnedValue) && !(ts.isBinaryExpression(returnedValue) && returnedValue.operatorToken.kind === ts.SyntaxKind.PlusToken)) return undefined;
  const bound = new Map<string, Piece[]>();
  for (const [index, parameter] of helper.node.parameters.entries()) {
    if (!ts.isIdentifier(parameter.name) || parameter.dotDotDotToken) return undefined;
    const argument = call.arguments[index];
    if (!argument) {
      bound.set(parameter.name.text, [{ text: '\0' }]);
      continue;
    }
    const pieces = env ? helperPieces(argument, env, file, modules, depth) : piecesWithHelpers(argument, { modules, file, originOf: () => ({ kind: 'constant' }) as ValueOrigin });
    if (!pieces) return undefined;
    bound.set(parameter.name.text, pieces);
  }
  return helperPieces(returnedValue, bound, helper.file, modules, depth + 1);
}

/** A helper's pieces with its parameters replaced by what they are bound to; undefined when a parameter hides inside something else. */
function helperPieces(expression: ts.Expression, env: ReadonlyMap<string, Piece[]>, file: ScannedSourceFile, modules: ModuleIndex, depth: number): Piece[] | undefined {
  const out: Piece[] = [];
  for (const piece of flattenPieces(expression)) {
    if ('text' in piece) {
      out.push(piece);
      continue;
    }
    const value = skipOuterExpressions(piece.expression);
    const bound = ts.isIdentifier(value) ? env.get(value.text) : undefined;
    if (bound) {
      out.push(...bound);
      continue;
    }
    const nested = ts.isCallExpression(value) ? inlinedHelper(value, file, modules, env, depth) : undefined;
    if (nested) {
      out.push(...nested);
      continue;
    }
    // A number made from a parameter (a worker index hashed from an id) holds none of its text: a placeholder, as config is.
    if (isNumberCall(value, file, modules)) {
      out.push({ text: '\0' });
      continue;
    }
    if ([...env.keys()].some((name) => mentionsName(value.getText(), name))) return undefined;
    out.push({ text: constantText(value, { modules, file, originOf: () => ({ kind: 'constant' }) as ValueOrigin }) ?? '\0' });
  }
  return out;
}

/** The one expression a function returns: an arrow's expression body, or a body that is a single `return`. */
function singleReturned(node: ts.Node): ts.Expression | undefined {
  if (!ts.isArrowFunction(node) && !ts.isFunctionDeclaration(node) && !ts.isFunctionExpression(node) && !ts.isMethodDeclaration(node)) return undefined;
  const body = node.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return body;
  const only = body.statements.length === 1 ? body.statements[0] : undefined;
  return only && ts.isReturnStatement(only) ? only.expression : undefined;
}

/**
 * `https://${host}/x` chooses the host; `${API}/users/${id}` only a path. The text before the first
 * piece the request controls decides: a fixed origin and a separator, or a relative path.
 */
function concatenationControlsHost(pieces: Piece[], context: UrlContext, prefix: 'concatenated' | 'overridable' | undefined): HostControl | undefined {
  let before = '';
  for (const piece of pieces) {
    if ('text' in piece) {
      before += piece.text;
      continue;
    }
    const taint = taintFor(context.originOf(piece.expression), 'url');
    if (!taint || isEncoded(taint)) {
      // Config (process.env.API_URL, this.baseUrl) is a placeholder: it is not the request's.
      before += constantText(piece.expression, context) ?? '\0';
      continue;
    }
    // After a '?' or '#' the code wrote, the value is in the query or the fragment: it cannot reach the
    // host or the path, whatever the configured part before it holds (`${SUPABASE_URL}rest/v1/sites?uuid=eq.${uuid}`).
    if (/[?#]/.test(before)) return undefined;
    // A value the code starts with a path (`/v9/domains/${domain}`, passed to `fetch(`${API}${path}`)`) appends only a path.
    const known = before + (taint.knownPrefix ?? '');
    if (FIXED_ORIGIN.test(known) || (known !== '' && RELATIVE_PATH.test(known)) || (prefix === 'concatenated' && !/^[a-z][a-z0-9+.-]*:/i.test(known))) return undefined;
    if (/^\0+$/.test(before)) {
      return { taint, how: `is appended to ${pieceText(pieces.find((candidate) => 'expression' in candidate) ?? pieces[0]!)} with no '/' between (a value starting with '@' or '.' moves the host)`, confidence: 'medium' };
    }
    const how = before === '' ? 'starts the URL' : /:\/\/[^/?#]*$/.test(before) || /^[a-z][a-z0-9+.-]*:\/?\/?$/i.test(before) ? 'chooses the host' : 'is part of the URL before its path';
    return { taint, how, confidence: 'high' };
  }
  return undefined;
}

function pieceText(piece: Piece): string {
  return 'text' in piece ? `'${piece.text}'` : piece.expression.getText();
}

function isRelative(input: ts.Expression, context: UrlContext): boolean {
  const pieces = flattenPieces(input);
  const first = pieces[0];
  if (!first) return false;
  const text = 'text' in first ? first.text : constantText(first.expression, context);
  return text !== undefined && (text.startsWith('/') || text.startsWith('?')) && !text.startsWith('//');
}

/** The text of a string constant (`const API = 'https://api.example.com'`), when it is one. */
function constantText(expression: ts.Expression, context: UrlContext): string | undefined {
  const value = skipOuterExpressions(expression);
  if (ts.isStringLiteralLike(value)) return value.text;
  if (!ts.isIdentifier(value)) return undefined;
  const local = localDeclaration(value);
  const declaration = local ?? declarationOf(value, context);
  const initializer = declaration?.initializer && skipOuterExpressions(declaration.initializer);
  return initializer && ts.isStringLiteralLike(initializer) ? initializer.text : undefined;
}

function declarationOf(identifier: ts.Identifier, context: UrlContext): ts.VariableDeclaration | undefined {
  const binding = context.modules.resolveName(context.file, identifier.text);
  return binding?.kind === 'declaration' && ts.isVariableDeclaration(binding.node) ? binding.node : undefined;
}

function isEncoded(taint: Taint): boolean {
  return taint.transforms.some((transform) => ENCODING_TRANSFORMS.has(transform));
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const candidate of object.properties) {
    if (ts.isPropertyAssignment(candidate) && (ts.isIdentifier(candidate.name) || ts.isStringLiteral(candidate.name)) && candidate.name.text === name) return candidate.initializer;
    if (ts.isShorthandPropertyAssignment(candidate) && candidate.name.text === name) return candidate.name;
  }
  return undefined;
}

/**
 * The initializer and every `name = value` of a `let` in the function that declares it, or
 * undefined when it is also changed another way (`+=`, `++`, destructuring, a `for` header) or has no initializer.
 */
function assignedValues(declaration: ts.VariableDeclaration): ts.Expression[] | undefined {
  if (!declaration.initializer || !ts.isIdentifier(declaration.name)) return undefined;
  const name = declaration.name.text;
  let scope: ts.Node = declaration;
  while (scope.parent && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  const values: ts.Expression[] = [declaration.initializer];
  let other = false;
  const visit = (node: ts.Node): void => {
    if (other) return;
    if (ts.isBinaryExpression(node) && ts.isIdentifier(node.left) && node.left.text === name && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      if (node.operatorToken.kind === ts.SyntaxKind.EqualsToken) values.push(node.right);
      else other = true;
    } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && ts.isIdentifier(node.operand) && node.operand.text === name) other = true;
    else if ((ts.isArrayLiteralExpression(node) || ts.isObjectLiteralExpression(node)) && ts.isBinaryExpression(node.parent) && node.parent.left === node && mentionsName(node.getText(), name)) other = true;
    else if ((ts.isForOfStatement(node) || ts.isForInStatement(node)) && ts.isIdentifier(node.initializer) && node.initializer.text === name) other = true;
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return other ? undefined : values;
}

/**
 * `url.hostname = FIXED` (or `url.host = ...`) before `use`, in the block that declares `url`, with a
 * value the request does not control: whatever the request put in the URL, the host is the code's.
 */
function hostSetBefore(declaration: ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement, use: ts.Identifier, context: UrlContext): boolean {
  const name = (declaration.name as ts.Identifier).text;
  let scope: ts.Node = declaration;
  while (scope.parent && !ts.isBlock(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  let fixed = false;
  walkDescendants(scope, (node) => {
    if (fixed || node.pos >= use.pos) return false;
    fixed =
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      (node.left.name.text === 'hostname' || node.left.name.text === 'host') &&
      ts.isIdentifier(node.left.expression) &&
      node.left.expression.text === name &&
      !taintFor(context.originOf(node.right), 'url');
    return !fixed;
  });
  return fixed;
}
