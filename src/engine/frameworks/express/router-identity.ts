/**
 * The nodes of the router graph (router-graph.ts) and which objects are which node: an app or a
 * router is found where it is created (`express()`, `Router()`, `new Router({ prefix })`), and
 * followed through variables, imports and `require`, factories that return it, class fields
 * (`this.router`), namespaces, typed parameters (`app: Express`) and chained registrations.
 */
import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import type { RouteMiddleware } from '../../routes/route.js';
import { enclosingClass, isFunctionLike, propertyNameText, skipOuterExpressions } from '../../ast/syntax.js';
import { baseClassOf, type Binding, type ModuleIndex, requiredModule, resolveFunction } from '../../names/index.js';
import type { FrameworkName, HttpMethod } from '../../routes/route.js';
import type { RouterValues } from './router-values.js';
import { type ProjectRouterClass, projectRouterClass } from './project-router-class.js';

export type RouterKind = 'app' | 'router';

/** What tells one framework's routers apart from everything else. */
export interface RouterDialect {
  framework: FrameworkName;
  /** Registration method name -> HTTP method (`del` is Koa's alias of delete). */
  routeMethods: ReadonlyMap<string, HttpMethod>;
  /** What an imported name of a package creates when called or constructed, if it is this framework's. */
  createdBy(module: string, importedName: string, member: string | undefined): RouterKind | undefined;
  /** What a parameter typed with an imported name of a package holds (`app: Express`, `router: Router`). */
  typedAs(module: string, importedName: string, member: string | undefined): RouterKind | undefined;
  /** Koa: `new Router({ prefix: '/api' })`. */
  creationPrefix?(creation: ts.CallExpression | ts.NewExpression, evaluate: (expression: ts.Expression) => string | undefined): string | undefined;
  /** Koa: `router.routes()` / `router.middleware()` stand for the router itself. */
  dispatchMethods?: ReadonlySet<string>;
  /** Koa: `router.allowedMethods()` answers OPTIONS/405 and checks nothing: not middleware worth listing. */
  ignoredMethods?: ReadonlySet<string>;
  /** Koa: koa-mount's `mount('/prefix', appOrMiddleware)`. */
  mountPackages?: ReadonlySet<string>;
  /** Koa's named routes: `router.get('name', '/path', ...)`. */
  namedRoutes?: boolean;
  /** Koa's `router.register(path, methods, middleware)`. */
  registerMethod?: boolean;
  /**
   * Instances of a project's own router class (project-router-class.ts) are routers too: the
   * project dispatches their handlers itself, inside this framework's app.
   */
  projectRouterClasses?: boolean;
}

export interface RouterNode {
  id: number;
  kind: RouterKind;
  /** Koa router prefix from the constructor or `router.prefix()`. */
  prefix: string;
  events: RouterEvent[];
  mountedBy: number;
  /** An instance of the project's own router class: its routes are dispatched by the project's code. */
  projectRouter?: ProjectRouterClass;
  /**
   * An instance of a project class that extends the framework's router (`class SchemaRouter extends Router`):
   * the class, and where the instance is created (what its constructor registers is registered there).
   */
  routerSubclass?: { classNode: ts.ClassLikeDeclaration; file: ScannedSourceFile; creation: EventOrder };
}

/** A project class that extends the framework's router or app, and the `super(...)` call that builds it. */
export interface RouterSubclass {
  kind: RouterKind;
  superCall?: ts.CallExpression;
  superFile: ScannedSourceFile;
}

export interface EventOrder {
  file: string;
  start: number;
  end: number;
}

export type RouterEvent =
  | {
      kind: 'route';
      order: EventOrder;
      file: ScannedSourceFile;
      call: ts.CallExpression;
      methods: HttpMethod[];
      paths: string[];
      middleware: ts.Expression[];
      handler?: ts.Expression;
      /** A route-table entry's handler written as a method (`async handler(req, res) {...}`), which is no expression. */
      handlerMethod?: ts.MethodDeclaration;
      /** Where the route is written when that is not the call: the route-definition object a loader's call registers. */
      at?: ts.Node;
      /** The file `at` is in, when a loader registers route definitions written in other files. */
      atFile?: ScannedSourceFile;
      /** The file the handler expression is written in, when not the call's. */
      handlerFile?: ScannedSourceFile;
      /** The file each middleware expression is written in, when not the call's (by index). */
      middlewareFiles?: ScannedSourceFile[];
      /** How each middleware is shown, when not as written (a wrapper's `checkPermission(options.permission)` as the caller's `checkPermission(UPDATE_ADDON)`). */
      middlewareNames?: Array<string | undefined>;
      /** Validation the route's definition declares (a definition factory's request schemas), after its middleware. */
      validation?: RouteMiddleware[];
    }
  | { kind: 'use'; order: EventOrder; file: ScannedSourceFile; paths: string[] | undefined; middleware: ts.Expression[]; mountInline: boolean }
  | { kind: 'mount'; order: EventOrder; paths: string[]; child: RouterNode; viaCall: boolean };

const MAX_FACTORY_DEPTH = 6;

/** Which expression is which router node; one per graph, nodes created on first sight and kept. */
export class RouterIdentity {
  readonly nodes: RouterNode[] = [];
  private readonly nodesByCreation = new Map<ts.Node, RouterNode | null>();
  private readonly argumentSlots = new Map<ts.Node, Map<number, RouterNode>>();

  constructor(
    private readonly modules: ModuleIndex,
    private readonly values: RouterValues,
    private readonly dialect: RouterDialect,
  ) {}

  /** The router a function parameter receives from a call (`register(app)`): one node per parameter. */
  routerOfParameter(parameter: ts.ParameterDeclaration, kind: RouterKind): RouterNode {
    let node = this.nodesByCreation.get(parameter);
    if (!node) {
      node = this.newNode(kind, '');
      this.nodesByCreation.set(parameter, node);
    }
    return node;
  }

  /**
   * The router a function receives at argument `index` of a call: the parameter there, or the
   * element of a rest parameter that takes it (`...[router, tenant]: RouterInitArgs`, or `...args`
   * with `const [router] = args`). One node per function and position, so a `fn(...args)` inside
   * can hand the same routers on. Undefined when nothing there can bind a router.
   */
  routerOfArgument(fn: ts.SignatureDeclaration, index: number, kind: RouterKind): RouterNode | undefined {
    let slots = this.argumentSlots.get(fn);
    const existing = slots?.get(index);
    if (existing) return existing;
    const restIndex = fn.parameters.findIndex((parameter) => parameter.dotDotDotToken !== undefined);
    let node: RouterNode | undefined;
    if (restIndex === -1 || index < restIndex) {
      const parameter = fn.parameters[index];
      if (!parameter || !ts.isIdentifier(parameter.name)) return undefined;
      node = this.routerOfParameter(parameter, kind);
    } else {
      const rest = fn.parameters[restIndex]!;
      const offset = index - restIndex;
      const bindings = ts.isIdentifier(rest.name) ? restArgumentBindings(fn, rest.name.text, offset) : positionalElement(rest.name, offset);
      // A named rest array (`...args`) may be handed on whole (`register(...args)`) even when no element is bound.
      if (bindings.length === 0 && !ts.isIdentifier(rest.name)) return undefined;
      node = this.newNode(kind, '');
      for (const binding of bindings) this.nodesByCreation.set(binding, node);
    }
    if (!slots) this.argumentSlots.set(fn, (slots = new Map()));
    slots.set(index, node);
    return node;
  }

  /** The routers a function has received so far, by argument position. */
  argumentRouters(fn: ts.Node): ReadonlyMap<number, RouterNode> | undefined {
    return this.argumentSlots.get(fn);
  }

  newNode(kind: RouterKind, prefix: string): RouterNode {
    const node: RouterNode = { id: this.nodes.length, kind, prefix, events: [], mountedBy: 0 };
    this.nodes.push(node);
    return node;
  }

  /**
   * The router an expression evaluates to, 'parameter' for an untyped parameter that no router
   * has been passed to (yet), or undefined when it is not one of this framework's routers.
   */
  routerOf(expression: ts.Expression, file: ScannedSourceFile, depth = 0): RouterNode | 'parameter' | undefined {
    if (depth > MAX_FACTORY_DEPTH) return undefined;
    const value = skipOuterExpressions(expression);
    if (this.nodesByCreation.has(value)) return this.nodesByCreation.get(value) ?? undefined;
    // `new SchemaRouter(Organizations, queries)` where `class SchemaRouter extends Router`: the framework's router,
    // with the prefix its constructor hands to `super(...)`.
    const subclassInstance = ts.isNewExpression(value) ? this.routerSubclassNode(value, file) : undefined;
    if (subclassInstance) return subclassInstance;
    if (ts.isNewExpression(value) && this.dialect.projectRouterClasses) {
      const projectRouter = this.projectRouterOf(value, file);
      if (projectRouter) {
        const node = this.newNode('router', '');
        node.projectRouter = projectRouter;
        this.nodesByCreation.set(value, node);
        return node;
      }
    }
    if (ts.isCallExpression(value) || ts.isNewExpression(value)) {
      const kind = this.creationKind(value, file);
      if (kind) {
        const node = this.newNode(kind, this.dialect.creationPrefix?.(value, (prefix) => this.values.evaluateString(prefix, file)) ?? '');
        this.nodesByCreation.set(value, node);
        return node;
      }
    }
    if (ts.isIdentifier(value)) {
      const declaration = this.values.declarationOf(value, file);
      return declaration ? this.routerOfDeclaration(declaration.node, declaration.file, depth + 1) : undefined;
    }
    if (ts.isCallExpression(value)) {
      const specifier = requiredModule(value);
      if (specifier !== undefined && !ts.isPropertyAccessExpression(value.expression)) {
        const target = this.modules.resolveImport(file, specifier);
        const exported = target && this.modules.resolveExport(target, 'default');
        return exported ? this.routerOfBinding(exported, depth + 1) : undefined;
      }
      const callee = skipOuterExpressions(value.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        const name = callee.name.text;
        // Chained registrations return the router itself.
        if (this.dialect.routeMethods.has(name) || name === 'use' || name === 'prefix' || this.dialect.dispatchMethods?.has(name)) {
          return this.routerOf(callee.expression, file, depth);
        }
      }
      // A factory: `ordersRouter()` returns the router it builds.
      const factory = resolveFunction(this.modules, file, callee);
      if (!factory || !factory.node.body) return undefined;
      // A set-up function that hands back the router it was given (`app.use('/api', routes(router))` where
      // `routes = (router) => { users(router); return router; }`): the argument itself.
      const handedBack = returnedParameterIndex(factory.node);
      const argument = handedBack !== undefined ? value.arguments[handedBack] : undefined;
      if (argument) return this.routerOf(argument, file, depth + 1);
      return this.returnedRouter(factory.node.body, factory.file, depth + 1);
    }
    if (ts.isPropertyAccessExpression(value)) return this.routerOfMember(value, file, depth + 1);
    return undefined;
  }

  private routerOfDeclaration(node: ts.Node, file: ScannedSourceFile, depth: number): RouterNode | 'parameter' | undefined {
    if (this.nodesByCreation.has(node)) return this.nodesByCreation.get(node) ?? undefined;
    let result: RouterNode | 'parameter' | undefined;
    if (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) {
      result = node.initializer ? this.routerOf(node.initializer, file, depth) : undefined;
      if (!result && ts.isVariableDeclaration(node) && node.type) result = this.typedRouter(node, node.type, file);
    } else if (ts.isParameter(node)) {
      if (node.initializer) result = this.routerOf(node.initializer, file, depth);
      if (!result && node.type) result = this.typedRouter(node, node.type, file);
      if (!result) return 'parameter';
    } else if (ts.isBindingElement(node)) {
      // An element of a destructured parameter or of `const [router] = args`: a router once one is passed there.
      return destructuresArgument(node) ? 'parameter' : undefined;
    } else if (ts.isExportAssignment(node)) {
      result = this.routerOf(node.expression, file, depth);
    } else if (ts.isExpression(node)) {
      result = this.routerOf(node, file, depth);
    }
    if (result !== 'parameter') this.nodesByCreation.set(node, result ?? null);
    return result;
  }

  private routerOfBinding(binding: Binding, depth: number): RouterNode | 'parameter' | undefined {
    if (binding.kind !== 'declaration') return undefined;
    return this.routerOfDeclaration(binding.node, binding.file, depth);
  }

  /** `app: Express`, `router: express.Router`: a router whose registrations show up wherever it is passed. */
  private typedRouter(declaration: ts.Node, type: ts.TypeNode, file: ScannedSourceFile): RouterNode | undefined {
    if (!ts.isTypeReferenceNode(type)) return undefined;
    const typeName = type.typeName;
    const root = ts.isIdentifier(typeName) ? typeName : ts.isIdentifier(typeName.left) ? typeName.left : undefined;
    const member = ts.isQualifiedName(typeName) ? typeName.right.text : undefined;
    if (!root) return undefined;
    const binding = this.modules.resolveName(file, root.text);
    if (binding?.kind !== 'external') return undefined;
    const kind = this.dialect.typedAs(binding.module, binding.importedName, member);
    if (!kind) return undefined;
    const node = this.newNode(kind, '');
    this.nodesByCreation.set(declaration, node);
    return node;
  }

  /** `this.router`, `controller.router`, `new UsersController().router`, `routes.users` (namespace). */
  private routerOfMember(access: ts.PropertyAccessExpression, file: ScannedSourceFile, depth: number): RouterNode | 'parameter' | undefined {
    const member = access.name.text;
    const owner = skipOuterExpressions(access.expression);
    if (owner.kind === ts.SyntaxKind.ThisKeyword) {
      const classNode = enclosingClass(access);
      return classNode ? this.routerOfClassMember(classNode, member, file, depth) : undefined;
    }
    if (ts.isNewExpression(owner)) return this.routerOfConstructed(owner, member, file, depth);
    // `require('./trigger').triggerRoute`: an export of the required module, read in place.
    const specifier = ts.isCallExpression(owner) ? requiredModule(owner) : undefined;
    if (specifier !== undefined) {
      const target = this.modules.resolveImport(file, specifier);
      const exported = target && this.modules.resolveExport(target, member);
      return exported ? this.routerOfBinding(exported, depth) : undefined;
    }
    if (ts.isIdentifier(owner)) {
      const local = this.values.declarationOf(owner, file);
      if (local?.namespace) {
        const exported = this.modules.resolveExport(local.namespace, member);
        return exported ? this.routerOfBinding(exported, depth) : undefined;
      }
      if (!local) return undefined;
      const node = local.node;
      // `module.exports = { api: apiRouter, render: renderRouter }` required as `routes`: the exported object itself.
      const initializer = (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) && node.initializer ? skipOuterExpressions(node.initializer) : ts.isObjectLiteralExpression(node) ? node : undefined;
      if (initializer && ts.isNewExpression(initializer)) return this.routerOfConstructed(initializer, member, local.file, depth);
      if (initializer && ts.isObjectLiteralExpression(initializer)) {
        for (const property of initializer.properties) {
          if (ts.isPropertyAssignment(property) && propertyNameText(property.name) === member) return this.routerOf(property.initializer, local.file, depth);
          if (ts.isShorthandPropertyAssignment(property) && property.name.text === member) return this.routerOf(property.name, local.file, depth);
        }
      }
      if (ts.isClassDeclaration(node)) return this.routerOfClassMember(node, member, local.file, depth, true);
    }
    return undefined;
  }

  private routerOfConstructed(creation: ts.NewExpression, member: string, file: ScannedSourceFile, depth: number): RouterNode | 'parameter' | undefined {
    const constructed = skipOuterExpressions(creation.expression);
    if (!ts.isIdentifier(constructed)) return undefined;
    const declaration = this.values.declarationOf(constructed, file);
    if (!declaration || !ts.isClassDeclaration(declaration.node)) return undefined;
    return this.routerOfClassMember(declaration.node, member, declaration.file, depth);
  }

  /**
   * `router = Router()` as a class field, or `this.router = ...` in the constructor or in another
   * method: a module registry that declares `this.triggerRoute = undefined` in its constructor and
   * loads the router in an `init()` (`this.triggerRoute = require('./trigger').triggerRoute`, often
   * in a try block for optional modules) holds that router; assignments that are not routers
   * (`undefined`, `null`) are passed over.
   */
  private routerOfClassMember(classNode: ts.ClassLikeDeclaration, member: string, file: ScannedSourceFile, depth: number, isStatic = false): RouterNode | 'parameter' | undefined {
    const own = this.routerOfOwnMember(classNode, member, file, depth, isStatic);
    if (own !== undefined || isStatic) return own;
    return this.routerOfInheritedMember(classNode, member, file, depth);
  }

  /**
   * A member the class reads through a getter (`get router() { return this.app; }`) or inherits from
   * a project base class that creates it (`class Controller { app = Router(); }`, Unleash's and many
   * projects' controller base classes). Every subclass instance holds its own router: the base's
   * `Router()` runs once per instance, so each concrete class gets its own node, which registrations
   * in its own code (`this.app.use('/features', ...)`) and mounts of `new Sub().router` share.
   */
  routerOfInstanceMember(concrete: ts.ClassLikeDeclaration, member: string, file: ScannedSourceFile, depth = 0): RouterNode | 'parameter' | undefined {
    return this.routerOfClassMember(concrete, member, file, depth);
  }

  private routerOfInheritedMember(concrete: ts.ClassLikeDeclaration, member: string, file: ScannedSourceFile, depth: number): RouterNode | 'parameter' | undefined {
    let current: { node: ts.ClassLikeDeclaration; file: ScannedSourceFile } | undefined = { node: concrete, file };
    for (let level = 0; current && level < 6; level++) {
      const returned = getterReturnedMember(current.node, member);
      if (returned !== undefined && returned !== member) return this.routerOfClassMember(concrete, returned, file, depth + 1);
      if (current.node !== concrete) {
        const found = this.routerOfOwnMember(current.node, member, current.file, depth + 1, false);
        if (found === 'parameter') return found;
        if (found) return this.instanceNode(concrete, member, found.kind);
      }
      current = baseClassOf(this.modules, current.file, current.node);
    }
    return undefined;
  }

  private readonly instanceNodes = new Map<ts.Node, Map<string, RouterNode>>();

  private instanceNode(concrete: ts.ClassLikeDeclaration, member: string, kind: RouterKind): RouterNode {
    let members = this.instanceNodes.get(concrete);
    if (!members) this.instanceNodes.set(concrete, (members = new Map()));
    let node = members.get(member);
    if (!node) members.set(member, (node = this.newNode(kind, '')));
    return node;
  }

  private routerOfOwnMember(classNode: ts.ClassLikeDeclaration, member: string, file: ScannedSourceFile, depth: number, isStatic: boolean): RouterNode | 'parameter' | undefined {
    const assignments: ts.BinaryExpression[] = [];
    for (const element of classNode.members) {
      if (ts.isPropertyDeclaration(element) && element.name && propertyNameText(element.name) === member) {
        const elementIsStatic = ts.getModifiers(element)?.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword) ?? false;
        if (elementIsStatic !== isStatic) continue;
        if (element.initializer) return this.routerOfDeclaration(element, file, depth);
      }
      if ((ts.isConstructorDeclaration(element) || ts.isMethodDeclaration(element)) && element.body && !isStatic && !ts.getModifiers(element)?.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword)) {
        // The constructor's own assignments first, then the methods', in source order.
        const found = thisMemberAssignments(element.body, member);
        if (ts.isConstructorDeclaration(element)) assignments.unshift(...found);
        else assignments.push(...found);
      }
    }
    for (const assignment of assignments) {
      if (this.nodesByCreation.has(assignment)) {
        const known = this.nodesByCreation.get(assignment);
        if (known) return known;
        continue;
      }
      const router = this.routerOf(assignment.right, file, depth);
      if (router === 'parameter') return router;
      this.nodesByCreation.set(assignment, router ?? null);
      if (router) return router;
    }
    return undefined;
  }

  /** The router a factory function returns: `return router` (not returns of nested functions). */
  private returnedRouter(body: ts.ConciseBody, file: ScannedSourceFile, depth: number): RouterNode | undefined {
    if (!ts.isBlock(body)) {
      const router = this.routerOf(body, file, depth);
      return router === 'parameter' ? undefined : router;
    }
    let found: RouterNode | undefined;
    const visit = (node: ts.Node): void => {
      if (found || isFunctionLike(node) || ts.isClassLike(node)) return;
      if (ts.isReturnStatement(node) && node.expression) {
        const router = this.routerOf(node.expression, file, depth);
        if (router && router !== 'parameter') found = router;
        return;
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(body, visit);
    return found;
  }

  private routerSubclassNode(creation: ts.NewExpression, file: ScannedSourceFile): RouterNode | undefined {
    const callee = skipOuterExpressions(creation.expression);
    if (!ts.isIdentifier(callee)) return undefined;
    const declaration = this.values.declarationOf(callee, file);
    if (!declaration || !ts.isClassLike(declaration.node)) return undefined;
    const subclass = this.routerSubclass(declaration.node, declaration.file);
    if (!subclass) return undefined;
    // A prefix the constructor computes (`'/' + tableToPathname(schema.table)`) is shown as written, not dropped,
    // with the constructor's parameters as this creation passes them (`{tableToPathname(Organizations.table)}`),
    // so that two instances' routes stay apart.
    const constructorArguments = subclass.superCall && enclosingClass(subclass.superCall) === declaration.node ? argumentTexts(subclass.superCall, creation, file) : undefined;
    const prefix = subclass.superCall
      ? this.dialect.creationPrefix?.(subclass.superCall, (expression) => substituteParameters(this.values.pathsOf(expression, subclass.superFile)[0]!, constructorArguments))
      : undefined;
    const node = this.newNode(subclass.kind, prefix ?? '');
    node.routerSubclass = { classNode: declaration.node, file: declaration.file, creation: { file: file.path, start: creation.getStart(file.sourceFile), end: creation.end } };
    this.nodesByCreation.set(creation, node);
    return node;
  }

  private readonly subclasses = new Map<ts.ClassLikeDeclaration, RouterSubclass | null>();

  /**
   * Whether a project class extends the framework's router or app (`class SchemaRouter extends Router<S, C>`
   * with Router from koa-router), itself or through project classes between: its instances are routers, and
   * `this.get(...)` in its methods registers on the instance.
   */
  routerSubclass(classNode: ts.ClassLikeDeclaration, file: ScannedSourceFile, depth = 0): RouterSubclass | undefined {
    const known = this.subclasses.get(classNode);
    if (known !== undefined) return known ?? undefined;
    let found: RouterSubclass | undefined;
    const extended = classNode.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    const root = extended && (ts.isIdentifier(extended) ? extended : ts.isPropertyAccessExpression(extended) && ts.isIdentifier(extended.expression) ? extended.expression : undefined);
    const binding = root && this.modules.resolveName(file, root.text);
    const superCall = constructorSuperCall(classNode);
    if (binding?.kind === 'external') {
      const member = extended && ts.isPropertyAccessExpression(extended) ? extended.name.text : undefined;
      const kind = this.dialect.createdBy(binding.module, binding.importedName, member);
      if (kind) found = { kind, superFile: file, ...(superCall ? { superCall } : {}) };
    } else if (depth < 6) {
      const base = baseClassOf(this.modules, file, classNode);
      const inherited = base && this.routerSubclass(base.node, base.file, depth + 1);
      // The options reach the framework's constructor through the class that extends it directly.
      if (inherited) found = inherited;
    }
    this.subclasses.set(classNode, found ?? null);
    return found;
  }

  /** `new Router(...)` of a class the project declares that registers handlers (project-router-class.ts). */
  private projectRouterOf(creation: ts.NewExpression, file: ScannedSourceFile): ProjectRouterClass | undefined {
    const callee = skipOuterExpressions(creation.expression);
    if (!ts.isIdentifier(callee)) return undefined;
    const declaration = this.values.declarationOf(callee, file);
    if (!declaration || !ts.isClassLike(declaration.node)) return undefined;
    return projectRouterClass(declaration.node, declaration.file, this.dialect.routeMethods);
  }

  private creationKind(creation: ts.CallExpression | ts.NewExpression, file: ScannedSourceFile): RouterKind | undefined {
    const callee = skipOuterExpressions(creation.expression);
    // require('express')() and require('express').Router()
    const required = requiredModule(callee);
    if (required !== undefined) {
      const member = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      return member ? this.dialect.createdBy(required, member, undefined) : this.dialect.createdBy(required, 'default', undefined);
    }
    const root = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression : undefined;
    if (!root) return undefined;
    const member = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    const binding = this.modules.resolveName(file, root.text);
    if (binding?.kind !== 'external') {
      // A local `const Router = express.Router` alias.
      const local = root === callee ? this.values.declarationOf(root, file) : undefined;
      const value = local && (ts.isVariableDeclaration(local.node) && local.node.initializer ? skipOuterExpressions(local.node.initializer) : undefined);
      if (value && ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression)) {
        const aliased = this.modules.resolveName(local!.file, value.expression.text);
        if (aliased?.kind === 'external') return this.dialect.createdBy(aliased.module, aliased.importedName, value.name.text);
      }
      return undefined;
    }
    return this.dialect.createdBy(binding.module, binding.importedName, member);
  }
}

/** The text of each argument a `new` passes, by the name of the constructor parameter that takes it. */
function argumentTexts(superCall: ts.CallExpression, creation: ts.NewExpression, file: ScannedSourceFile): Map<string, string> {
  const texts = new Map<string, string>();
  let constructor: ts.Node | undefined = superCall.parent;
  while (constructor && !ts.isConstructorDeclaration(constructor)) constructor = constructor.parent;
  if (!constructor) return texts;
  (constructor as ts.ConstructorDeclaration).parameters.forEach((parameter, index) => {
    const argument = creation.arguments?.[index];
    if (ts.isIdentifier(parameter.name) && argument && !ts.isSpreadElement(argument)) texts.set(parameter.name.text, argument.getText(file.sourceFile));
  });
  return texts;
}

/** `/{tableToPathname(schema.table)}` with `schema` passed as `Organizations`: `/{tableToPathname(Organizations.table)}` (only inside the braces). */
function substituteParameters(path: string, texts: ReadonlyMap<string, string> | undefined): string {
  if (!texts || texts.size === 0) return path;
  return path.replace(/\{[^{}]*\}/g, (unknown) => unknown.replace(/(?<![.\w$])[A-Za-z_$][\w$]*/g, (name) => texts.get(name) ?? name));
}

/** The `super(...)` call of a class's constructor. */
function constructorSuperCall(classNode: ts.ClassLikeDeclaration): ts.CallExpression | undefined {
  const constructor = classNode.members.find(ts.isConstructorDeclaration);
  for (const statement of constructor?.body?.statements ?? []) {
    const expression = ts.isExpressionStatement(statement) ? skipOuterExpressions(statement.expression) : undefined;
    if (expression && ts.isCallExpression(expression) && expression.expression.kind === ts.SyntaxKind.SuperKeyword) return expression;
  }
  return undefined;
}

/** The member a getter of the class returns as it is: `app` for `get router() { return this.app; }`. */
function getterReturnedMember(classNode: ts.ClassLikeDeclaration, member: string): string | undefined {
  for (const element of classNode.members) {
    if (!ts.isGetAccessorDeclaration(element) || !element.body || propertyNameText(element.name) !== member) continue;
    const statement = element.body.statements.find(ts.isReturnStatement);
    const value = statement?.expression && skipOuterExpressions(statement.expression);
    if (value && ts.isPropertyAccessExpression(value) && value.expression.kind === ts.SyntaxKind.ThisKeyword) return value.name.text;
  }
  return undefined;
}

/** `this.<member> = value` in a method's body, in blocks and try/if statements but not in nested functions. */
function thisMemberAssignments(body: ts.Block, member: string): ts.BinaryExpression[] {
  const found: ts.BinaryExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && node.left.name.text === member && node.left.expression.kind === ts.SyntaxKind.ThisKeyword) {
      found.push(node);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return found;
}

/** The index of the parameter a function returns as it is (`(router) => { ...; return router; }`), if it returns one. */
function returnedParameterIndex(fn: ts.SignatureDeclaration & { body?: ts.ConciseBody }): number | undefined {
  const names = fn.parameters.map((parameter) => (ts.isIdentifier(parameter.name) ? parameter.name.text : undefined));
  const indexOf = (expression: ts.Expression): number | undefined => {
    const value = skipOuterExpressions(expression);
    const index = ts.isIdentifier(value) ? names.indexOf(value.text) : -1;
    return index >= 0 ? index : undefined;
  };
  const body = fn.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return indexOf(body);
  for (const statement of body.statements) {
    if (ts.isReturnStatement(statement) && statement.expression) return indexOf(statement.expression);
  }
  return undefined;
}

/** The element at `offset` of an array pattern, when it binds a plain name (`router` in `...[router, tenant]`). */
function positionalElement(pattern: ts.BindingName, offset: number): ts.BindingElement[] {
  if (!ts.isArrayBindingPattern(pattern)) return [];
  const element = pattern.elements[offset];
  return element && ts.isBindingElement(element) && !element.dotDotDotToken && ts.isIdentifier(element.name) ? [element] : [];
}

/** `const [router, { queries }] = args` in the function's body, for a rest parameter `...args`: the elements at `offset`. */
function restArgumentBindings(fn: ts.SignatureDeclaration, restName: string, offset: number): ts.BindingElement[] {
  const body = (fn as { body?: ts.Node }).body;
  if (!body || !ts.isBlock(body)) return [];
  const found: ts.BindingElement[] = [];
  for (const statement of body.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const initializer = declaration.initializer && skipOuterExpressions(declaration.initializer);
      if (!initializer || !ts.isIdentifier(initializer) || initializer.text !== restName) continue;
      found.push(...positionalElement(declaration.name, offset));
    }
  }
  return found;
}

/** Whether a binding element takes its value from a function's arguments: in a parameter's pattern, or `const [a] = args`. */
function destructuresArgument(element: ts.BindingElement): boolean {
  let node: ts.Node = element;
  while (ts.isBindingElement(node) || ts.isArrayBindingPattern(node) || ts.isObjectBindingPattern(node)) node = node.parent;
  if (ts.isParameter(node)) return true;
  return ts.isVariableDeclaration(node) && node.initializer !== undefined && ts.isIdentifier(skipOuterExpressions(node.initializer));
}
