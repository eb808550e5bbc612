import { ts } from '#typescript';
import type { ScannedSourceFile } from '../../../types.js';
import { nodePosition, propertyNameText, propertyValue, skipOuterExpressions } from '../../ast/syntax.js';
import { nodesOfKind } from '../../ast/file-index.js';
import { type ModuleIndex } from '../../names/index.js';
import type { MiddlewareClassifier } from '../../routes/classify-middleware.js';
import type { RouteDefinition, RouteMiddleware } from '../../routes/route.js';
import { graphqlTypeName, nameOption } from './schema-names.js';
import { usesAnyPackage, type AdapterContext, type FrameworkAdapter } from '../adapter.js';
import { TYPE_GRAPHQL_OPERATIONS } from './graphql-models.js';
import { decoratorOrigin } from '../nestjs/decorators.js';

const TYPE_GRAPHQL = 'type-graphql';

export const typeGraphqlAdapter: FrameworkAdapter = {
  name: 'type-graphql',
  isEnabled: (facts) => usesAnyPackage(facts, [TYPE_GRAPHQL]),
  discoverRoutes: discoverTypeGraphql,
};

/**
 * type-graphql resolver classes: `@Resolver(() => Recipe)` with `@Query`, `@Mutation`,
 * `@Subscription` and `@FieldResolver` methods. `@Authorized(...roles)` on the class or method runs
 * the schema's authChecker first (authentication, or a role check with roles); `@UseMiddleware(...)`
 * and `buildSchema({ globalMiddlewares })` are middleware, classified by what they do.
 */
function discoverTypeGraphql(context: AdapterContext): RouteDefinition[] {
  const { modules, middleware: classifier } = context;
  const global = globalMiddlewares(context);
  const routes: RouteDefinition[] = [];
  for (const file of context.sourceFiles) {
    if (!file.text.includes('@Resolver')) continue;
    for (const statement of file.sourceFile.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      const resolver = decoratorNamed(modules, file, statement, 'Resolver');
      if (!resolver) continue;
      const className = statement.name?.text ?? '<anonymous>';
      const typeName = graphqlTypeName(resolver.arguments[0]) ?? className.replace(/Resolver$/, '');
      const classMiddleware = decoratorMiddleware(modules, classifier, file, statement, 'router');
      for (const member of statement.members) {
        if (!ts.isMethodDeclaration(member)) continue;
        const methodName = propertyNameText(member.name) ?? '<method>';
        for (const decorator of ts.getDecorators(member) ?? []) {
          const origin = importedDecorator(modules, file, decorator);
          const operation = origin ? TYPE_GRAPHQL_OPERATIONS[origin.name] : undefined;
          if (!operation || !origin) continue;
          const name = nameOption(origin.call) ?? methodName;
          const position = nodePosition(decorator);
          routes.push({
            framework: 'type-graphql',
            kind: 'graphql',
            method: operation,
            path: operation === 'FIELD' ? `${typeName}.${name}` : name,
            file: file.path,
            line: position.line,
            column: position.column,
            handler: { file: file.path, line: nodePosition(member.name).line, node: member, name: `${className}.${methodName}` },
            middleware: [...global.map((entry) => ({ ...entry })), ...classMiddleware.map((entry) => ({ ...entry })), ...decoratorMiddleware(modules, classifier, file, member, 'route')],
          });
        }
      }
    }
  }
  return routes;
}

/** A decorator imported from type-graphql, by its exported name (the one decorator resolver, shared with the Nest adapter). */
function importedDecorator(modules: ModuleIndex, file: ScannedSourceFile, decorator: ts.Decorator): { name: string; call?: ts.CallExpression } | undefined {
  const origin = decoratorOrigin(modules, file, decorator);
  return origin?.module === TYPE_GRAPHQL ? origin : undefined;
}

function decoratorNamed(modules: ModuleIndex, file: ScannedSourceFile, node: ts.HasDecorators, name: string): { arguments: readonly ts.Expression[] } | undefined {
  for (const decorator of ts.getDecorators(node) ?? []) {
    const origin = importedDecorator(modules, file, decorator);
    if (origin?.name === name) return { arguments: origin.call?.arguments ?? [] };
  }
  return undefined;
}

/** `@Authorized()`, `@Authorized('ADMIN')`, `@UseMiddleware(IsAuth, LogAccess)` on a class or method. */
function decoratorMiddleware(modules: ModuleIndex, classifier: MiddlewareClassifier, file: ScannedSourceFile, node: ts.HasDecorators, scope: RouteMiddleware['scope']): RouteMiddleware[] {
  const found: RouteMiddleware[] = [];
  for (const decorator of ts.getDecorators(node) ?? []) {
    const origin = importedDecorator(modules, file, decorator);
    if (origin?.name === 'Authorized') {
      const roles = (origin.call?.arguments ?? []).flatMap((argument) => roleNames(argument));
      found.push({
        name: decorator.expression.getText(file.sourceFile),
        file: file.path,
        line: nodePosition(decorator).line,
        kind: roles.length > 0 ? 'role' : 'auth',
        strength: 'strong',
        evidence: `type-graphql @Authorized: the schema's authChecker must pass before the resolver runs${roles.length > 0 ? ` (roles ${roles.join(', ')})` : ''}`,
        scope,
        ...(roles.length > 0 ? { roles } : {}),
      });
    } else if (origin?.name === 'UseMiddleware') {
      for (const argument of origin.call?.arguments ?? []) found.push(classifier.describe(argument, file, scope));
    }
  }
  return found;
}

function roleNames(argument: ts.Expression): string[] {
  const value = skipOuterExpressions(argument);
  if (ts.isStringLiteralLike(value)) return [value.text];
  if (ts.isArrayLiteralExpression(value)) return value.elements.flatMap((element) => roleNames(element));
  if (ts.isPropertyAccessExpression(value)) return [value.name.text];
  return [];
}

/** `buildSchema({ resolvers, globalMiddlewares: [ErrorInterceptor, AuthCheck] })`. */
function globalMiddlewares(context: AdapterContext): RouteMiddleware[] {
  const found: RouteMiddleware[] = [];
  for (const file of context.sourceFiles) {
    if (!file.text.includes('globalMiddlewares')) continue;
    for (const node of nodesOfKind(file.sourceFile, ts.SyntaxKind.CallExpression)) {
      const call = node as ts.CallExpression;
      const callee = skipOuterExpressions(call.expression);
      if (!ts.isIdentifier(callee) || (callee.text !== 'buildSchema' && callee.text !== 'buildSchemaSync')) continue;
      const options = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
      const list = options && ts.isObjectLiteralExpression(options) ? propertyValue(options, 'globalMiddlewares') : undefined;
      if (!list || !ts.isArrayLiteralExpression(list)) continue;
      for (const element of list.elements) found.push(context.middleware.describe(element, file, 'global'));
    }
  }
  return found;
}
