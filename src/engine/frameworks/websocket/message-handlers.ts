/**
 * WebSocket message handlers: the functions a socket.io or ws server, or a NestJS gateway, calls
 * with what a connected client sends (`socket.on('order:create', (payload, ack) => ...)`,
 * `ws.on('message', (data) => ...)`, `@SubscribeMessage('events') handle(@MessageBody() data)`).
 * Their payload is client input as a request body is: the dataflow runs from them and the
 * injection rules report what reaches a sink, with the message (`WS order:create`) as the entry.
 *
 * They are entry points without an HTTP route: who may open the connection (a handshake
 * middleware, a gateway guard) is not judged yet, so the access-control rules leave them alone
 * (they carry `unmounted`, as handlers no route mounts do) and the routes inventory lists them
 * apart from the routes.
 *
 * Which sockets are a server's: the first parameter of a listener of a server's connection event
 * (`io.on('connection', (socket) => ...)`) in a file that imports the library; a parameter typed
 * as the library's socket (`socket: Socket` from socket.io); and, followed into the project's own
 * functions, the parameter a socket is passed to (`registerOrderHandlers(io, socket)`, the layout
 * socket.io's documentation recommends).
 */
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { entryName } from '../../../types.js';
import { descendantsOfKind, nodesOfKind } from '../../ast/file-index.js';
import { nodePosition, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { bindingValue, fileImports, type ModuleIndex, resolveFunction, type ResolvedFunction } from '../../names/index.js';
import type { Route } from '../../routes/route.js';
import {
  ACKNOWLEDGEMENT_NAME,
  LISTENER_METHODS,
  NEST_GATEWAY_DECORATOR,
  NEST_MESSAGE_DECORATOR,
  NEST_PAYLOAD_DECORATOR,
  NEST_WEBSOCKETS_MODULE,
  SOCKET_LIBRARIES,
  type SocketLibraryModel,
} from '../../../models/websockets.js';

/** How far a socket is followed into the project's functions it is passed to. */
const MAX_HANDOFF_DEPTH = 4;
const LIBRARY_MODULES = SOCKET_LIBRARIES.flatMap((model) => model.modules);

export function discoverMessageHandlers(sourceFiles: readonly ScannedSourceFile[], modules: ModuleIndex): Route[] {
  const found: Route[] = [];
  const registrations = new Set<ts.Node>();
  const followed = new Set<string>();

  /** Every listener registered on the socket parameter `index` of `fn` holds (and wherever it is handed on). */
  const collectFromParameter = (file: ScannedSourceFile, fn: ts.SignatureDeclaration, index: number, model: SocketLibraryModel, depth: number): void => {
    const parameter = fn.parameters[index];
    const body = (fn as { body?: ts.Node }).body;
    if (parameter && ts.isIdentifier(parameter.name) && body) collect(file, body, { name: parameter.name.text }, model, depth);
  };

  /** Every listener registered in `scope` on the socket `reference` names. */
  const collect = (file: ScannedSourceFile, scope: ts.Node, reference: SocketReference, model: SocketLibraryModel, depth: number): void => {
    const key = `${file.path}:${scope.pos}:${'name' in reference ? reference.name : `this.${reference.field}`}`;
    if (followed.has(key)) return;
    followed.add(key);
    for (const node of descendantsOfKind(scope, ts.SyntaxKind.CallExpression)) {
      const call = node as ts.CallExpression;
      const callee = skipOuterExpressions(call.expression);
      if (ts.isPropertyAccessExpression(callee) && LISTENER_METHODS.has(callee.name.text) && refersTo(callee.expression, reference)) {
        const event = eventName(call.arguments[0]);
        if (event === undefined || !carriesClientData(model, event) || registrations.has(call)) continue;
        const handler = call.arguments[1] && resolveFunction(modules, file, call.arguments[1]);
        if (!handler) continue;
        registrations.add(call);
        const inputs = model.library === 'ws' ? [0] : payloadParameters(handler.node);
        if (inputs.length > 0) found.push(messageEntry(file, call, handler, event, inputs, `${model.library} ${callee.expression.getText(file.sourceFile)}.${callee.name.text}('${event}')`));
        continue;
      }
      // The socket handed to a project function: `registerOrderHandlers(io, socket)`, `queueForConnect(socket)`.
      if (depth >= MAX_HANDOFF_DEPTH) continue;
      const at = call.arguments.findIndex((argument) => refersTo(argument, reference));
      const target = at >= 0 ? resolveFunction(modules, file, call.expression) : undefined;
      if (target) collectFromParameter(target.file, target.node, at, model, depth + 1);
    }
    // The socket kept by an object of the project's: `new ClientConnection(socket)` storing it in `this.socket`.
    if (depth >= MAX_HANDOFF_DEPTH) return;
    for (const node of descendantsOfKind(scope, ts.SyntaxKind.NewExpression)) {
      const construction = node as ts.NewExpression;
      const at = (construction.arguments ?? []).findIndex((argument) => refersTo(argument, reference));
      const kept = at >= 0 ? keptField(modules, file, construction.expression, at) : undefined;
      if (kept) collect(kept.file, kept.classNode, { field: kept.field }, model, depth + 1);
    }
  };

  // The library the project's server uses: a file that registers connection listeners need not
  // import it (`io.on('connection', ...)` on a server another module built).
  const importing = sourceFiles.filter((file) => !file.outsideScan && mentionsAny(file.text, [...LIBRARY_MODULES, NEST_WEBSOCKETS_MODULE]));
  const libraries = new Map(importing.map((file) => [file, importedLibrary(file)] as const));
  const projectLibrary = SOCKET_LIBRARIES.find((model) => [...libraries.values()].includes(model));
  if (projectLibrary) {
    for (const file of sourceFiles) {
      if (file.outsideScan || !projectLibrary.connectionEvents.some((event) => file.text.includes(`'${event}'`) || file.text.includes(`"${event}"`))) continue;
      const model = libraries.get(file) ?? projectLibrary;
      // `io.on('connection', (socket) => ...)`, `wss.on('connection', onConnection)`.
      for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression)) {
        const call = node as ts.CallExpression;
        const callee = skipOuterExpressions(call.expression);
        if (!ts.isPropertyAccessExpression(callee) || !LISTENER_METHODS.has(callee.name.text)) continue;
        const event = eventName(call.arguments[0]);
        if (event === undefined || !model.connectionEvents.includes(event)) continue;
        const listener = call.arguments[1] && resolveFunction(modules, file, call.arguments[1]);
        if (listener) collectFromParameter(listener.file, listener.node, 0, model, 0);
      }
    }
  }
  for (const file of importing) {
    const model = libraries.get(file);
    // `(io: Server, socket: Socket) => { socket.on(...) }`: typed as the library's socket.
    if (model) {
      for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.Parameter)) {
        const parameter = node as ts.ParameterDeclaration;
        if (!isSocketType(file, parameter.type, model)) continue;
        const fn = parameter.parent;
        if (ts.isFunctionLike(fn)) collectFromParameter(file, fn, fn.parameters.indexOf(parameter), model, 0);
      }
    }
    found.push(...gatewayHandlers(file, modules));
  }
  // In source order, whichever way each was found.
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

/**
 * `@SubscribeMessage('event')` methods of `@WebSocketGateway()` classes: the `@MessageBody()`
 * parameter, else Nest's second (`(client, data)`).
 */
function gatewayHandlers(file: ScannedSourceFile, modules: ModuleIndex): Route[] {
  const found: Route[] = [];
  for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.ClassDeclaration)) {
    const gateway = node as ts.ClassDeclaration;
    if (!(ts.getDecorators(gateway) ?? []).some((decorator) => nestWebsocketsCall(file, decorator.expression, NEST_GATEWAY_DECORATOR))) continue;
    for (const member of gateway.members) {
      if (!ts.isMethodDeclaration(member) || !member.body) continue;
      const event = (ts.getDecorators(member) ?? []).map((decorator) => subscribedEvent(modules, file, decorator)).find((name) => name !== undefined);
      if (event === undefined) continue;
      const decorated = member.parameters.map((parameter) => ts.getDecorators(parameter) ?? []);
      const inputs = decorated.some((decorators) => decorators.length > 0)
        ? member.parameters.flatMap((_, index) => (decorated[index]!.some((decorator) => nestWebsocketsCall(file, decorator.expression, NEST_PAYLOAD_DECORATOR)) ? [index] : []))
        : member.parameters.length > 1
          ? [1]
          : [];
      if (inputs.length === 0) continue;
      const name = `${gateway.name?.text ?? '<gateway>'}.${propertyNameText(member.name) ?? '<method>'}`;
      const handler: ResolvedFunction = { file, node: member, name };
      found.push(messageEntry(file, member, handler, event, inputs, `@SubscribeMessage('${event}') of a NestJS gateway`));
    }
  }
  return found;
}

/**
 * The event of `@SubscribeMessage('x')`, or of a project decorator that applies it with one of its
 * own parameters (`const SubscribeMessage = (event) => applyDecorators(Metric(event), RawSubscribeMessage(event))`).
 */
function subscribedEvent(modules: ModuleIndex, file: ScannedSourceFile, decorator: ts.Decorator): string | undefined {
  const applied = decorator.expression;
  if (!ts.isCallExpression(applied)) return undefined;
  if (nestWebsocketsCall(file, applied, NEST_MESSAGE_DECORATOR)) return eventName(applied.arguments[0]);
  const wrapper = resolveFunction(modules, file, applied.expression);
  const body = wrapper?.node.body;
  if (!wrapper || !body) return undefined;
  for (const node of descendantsOfKind(body, ts.SyntaxKind.CallExpression)) {
    const inner = node as ts.CallExpression;
    if (!nestWebsocketsCall(wrapper.file, inner, NEST_MESSAGE_DECORATOR)) continue;
    const argument = inner.arguments[0] && skipOuterExpressions(inner.arguments[0]);
    if (!argument || !ts.isIdentifier(argument)) return eventName(argument);
    const at = wrapper.node.parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === argument.text);
    return at >= 0 ? eventName(applied.arguments[at]) : undefined;
  }
  return undefined;
}

/** A call of the named @nestjs/websockets export (`SubscribeMessage(...)`, also imported under another name). */
function nestWebsocketsCall(file: ScannedSourceFile, expression: ts.Expression, name: string): boolean {
  if (!ts.isCallExpression(expression) || !ts.isIdentifier(expression.expression)) return false;
  const imported = fileImports(file.sourceFile).get(expression.expression.text);
  return imported?.module === NEST_WEBSOCKETS_MODULE && imported.name === name;
}

function messageEntry(file: ScannedSourceFile, site: ts.Node, handler: ResolvedFunction, event: string, inputParameters: number[], registration: string): Route {
  const { line, column } = nodePosition(site);
  const entry = { kind: 'websocket' as const, method: 'MESSAGE' as const, path: event };
  return {
    framework: 'websocket',
    ...entry,
    file: file.path,
    line,
    column,
    handler: { file: handler.file.path, line: nodePosition(handler.node).line, node: handler.node, name: handler.name },
    middleware: [],
    inputParameters,
    auth: 'unknown',
    authEvidence: [`WebSocket message registered with ${registration}; who may open the connection is not judged`],
    principal: [],
    id: entryName(entry),
    unmounted: true,
  };
}

/**
 * The parameters of a socket.io listener that hold the client's payload: every one but the
 * acknowledgement callback (named so, typed as a function, or called in the body).
 */
function payloadParameters(fn: ts.SignatureDeclaration): number[] {
  const body = (fn as { body?: ts.Node }).body;
  const called = new Set<string>();
  if (body) {
    for (const node of descendantsOfKind(body, ts.SyntaxKind.CallExpression)) {
      const callee = skipOuterExpressions((node as ts.CallExpression).expression);
      if (ts.isIdentifier(callee)) called.add(callee.text);
    }
  }
  return fn.parameters.flatMap((parameter, index) => {
    if (!ts.isIdentifier(parameter.name)) return [index];
    const name = parameter.name.text;
    const functionTyped = parameter.type !== undefined && ts.isFunctionTypeNode(parameter.type);
    return ACKNOWLEDGEMENT_NAME.test(name) || functionTyped || called.has(name) ? [] : [index];
  });
}

function carriesClientData(model: SocketLibraryModel, event: string): boolean {
  if (model.connectionEvents.includes(event) || model.lifecycleEvents.includes(event)) return false;
  return model.messageEvents === 'all-but-lifecycle' || model.messageEvents.includes(event);
}

/** The event a listener is registered for, when written as a string. */
function eventName(argument: ts.Expression | undefined): string | undefined {
  const value = argument && skipOuterExpressions(argument);
  return value && ts.isStringLiteralLike(value) ? value.text : undefined;
}

/** A socket as code names it: a local or parameter (`socket`), or a field of the object that keeps it (`this.socket`). */
type SocketReference = { name: string } | { field: string };

function refersTo(expression: ts.Expression, reference: SocketReference): boolean {
  const value = skipOuterExpressions(expression);
  if ('name' in reference) return ts.isIdentifier(value) && value.text === reference.name;
  return ts.isPropertyAccessExpression(value) && value.expression.kind === ts.SyntaxKind.ThisKeyword && value.name.text === reference.field;
}

/**
 * The field a project class keeps its constructor's argument `index` in: `this.socket = socket`
 * in the constructor, or a parameter property (`constructor(private socket: Socket)`).
 */
function keptField(modules: ModuleIndex, file: ScannedSourceFile, classExpression: ts.Expression, index: number): { file: ScannedSourceFile; classNode: ts.ClassLikeDeclaration; field: string } | undefined {
  const value = skipOuterExpressions(classExpression);
  if (!ts.isIdentifier(value)) return undefined;
  const binding = modules.resolveName(file, value.text);
  const classNode = bindingValue(binding);
  if (binding?.kind !== 'declaration' || !classNode || !ts.isClassLike(classNode)) return undefined;
  const constructor = classNode.members.find(ts.isConstructorDeclaration);
  const parameter = constructor?.parameters[index];
  if (!constructor?.body || !parameter || !ts.isIdentifier(parameter.name)) return undefined;
  const name = parameter.name.text;
  if (ts.getModifiers(parameter)?.some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword || modifier.kind === ts.SyntaxKind.PublicKeyword || modifier.kind === ts.SyntaxKind.ProtectedKeyword || modifier.kind === ts.SyntaxKind.ReadonlyKeyword)) {
    return { file: binding.file, classNode, field: name };
  }
  for (const statement of constructor.body.statements) {
    const expression = ts.isExpressionStatement(statement) ? statement.expression : undefined;
    if (!expression || !ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const target = expression.left;
    if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword && ts.isIdentifier(expression.right) && expression.right.text === name) {
      return { file: binding.file, classNode, field: target.name.text };
    }
  }
  return undefined;
}

function mentionsAny(text: string, modules: readonly string[]): boolean {
  return modules.some((module) => text.includes(`'${module}'`) || text.includes(`"${module}"`));
}

/** The socket library a file imports (or requires), if any. */
function importedLibrary(file: ScannedSourceFile): SocketLibraryModel | undefined {
  const imported = new Set([...fileImports(file.sourceFile).values()].map((entry) => entry.module));
  return SOCKET_LIBRARIES.find((model) => model.modules.some((module) => imported.has(module) || requires(file, module)));
}

function requires(file: ScannedSourceFile, module: string): boolean {
  return file.text.includes(`require('${module}')`) || file.text.includes(`require("${module}")`);
}

/** `Socket` from socket.io, `WebSocket` from ws (named or the default export): one client's socket. */
function isSocketType(file: ScannedSourceFile, type: ts.TypeNode | undefined, model: SocketLibraryModel): boolean {
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return false;
  const imported = fileImports(file.sourceFile).get(type.typeName.text);
  if (!imported || !model.modules.includes(imported.module)) return false;
  return model.socketTypes.includes(imported.name) || (model.library === 'ws' && imported.name === 'default');
}
