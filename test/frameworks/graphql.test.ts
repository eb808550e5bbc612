import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphqlAdapter, typeGraphqlAdapter } from '../../src/engine/frameworks/graphql/index.js';
import { nestjsAdapter } from '../../src/engine/frameworks/nestjs/index.js';
import type { Route } from '../../src/engine/routes/route.js';
import { inventory, loadRoutes } from '../helpers/routes.js';
import { makeProject } from '../helpers/cli.js';

function route(routes: readonly Route[], id: string): Route {
  const found = routes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no route ${id} in ${routes.map((r) => r.id).join(', ')}`);
  return found;
}

describe('graphql resolver maps (Apollo Server): fixture app', () => {
  const routes = loadRoutes(path.resolve('fixtures/apps/graphql-apollo'), [graphqlAdapter]);

  it('lists root fields as operations and type fields as field resolvers, following spreads across files', () => {
    expect(inventory(routes)).toEqual([
      { method: 'QUERY', path: 'me', file: 'src/resolvers/index.ts', line: 8, auth: 'authenticated' },
      { method: 'QUERY', path: 'products', file: 'src/resolvers/index.ts', line: 9, auth: 'public' },
      { method: 'MUTATION', path: 'login', file: 'src/resolvers/index.ts', line: 13, auth: 'public' },
      { method: 'FIELD', path: 'User.orders', file: 'src/resolvers/index.ts', line: 16, auth: 'unknown' },
      { method: 'QUERY', path: 'order', file: 'src/resolvers/orders.ts', line: 7, auth: 'authenticated' },
      { method: 'QUERY', path: 'myOrders', file: 'src/resolvers/orders.ts', line: 11, auth: 'authenticated' },
      { method: 'QUERY', path: 'searchOrders', file: 'src/resolvers/orders.ts', line: 15, auth: 'authenticated' },
      { method: 'MUTATION', path: 'cancelOrder', file: 'src/resolvers/orders.ts', line: 22, auth: 'public' },
      { method: 'MUTATION', path: 'createOrder', file: 'src/resolvers/orders.ts', line: 23, auth: 'authenticated' },
      { method: 'MUTATION', path: 'deleteUser', file: 'src/resolvers/orders.ts', line: 27, auth: 'authenticated' },
    ]);
    expect(routes.every((found) => found.kind === 'graphql' && found.framework === 'graphql')).toBe(true);
  });

  it('names the evidence: helpers that throw, in-resolver checks, combineResolvers steps, credential entry', () => {
    expect(route(routes, 'QUERY me').authEvidence[0]).toMatch(/calls requireUser \(src\/auth\.ts:14\), which verifies the request's credentials and throws/);
    expect(route(routes, 'MUTATION createOrder').authEvidence[0]).toMatch(/reads ctx\.user and rejects unauthenticated requests/);
    expect(route(routes, 'MUTATION deleteUser').middleware.map((m) => `${m.name} ${m.kind}`)).toEqual(['isAuthenticated auth', 'isAdmin role']);
    expect(route(routes, 'MUTATION login').publicByDesign).toMatch(/login/);
    expect(route(routes, 'QUERY order').handler?.name).toBe('Query.order');
    expect(route(routes, 'FIELD User.orders').authEvidence[0]).toMatch(/runs with the authentication of the operation that returns User/);
  });

  it('a context function that rejects requests without valid credentials authenticates every operation', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { '@apollo/server': '^4.11.0', graphql: '^16.9.0' } }),
      'src/server.ts': [
        "import { ApolloServer } from '@apollo/server';",
        "import { startStandaloneServer } from '@apollo/server/standalone';",
        "import { GraphQLError } from 'graphql';",
        "import jwt from 'jsonwebtoken';",
        'const resolvers = { Query: { orders: (_p: unknown, _a: unknown, ctx: any) => ctx.db.orders(ctx.user.id) } };',
        'const server = new ApolloServer({ typeDefs: "", resolvers });',
        'startStandaloneServer(server, {',
        '  context: async ({ req }) => {',
        "    const user = jwt.verify(req.headers.authorization ?? '', process.env.SECRET!);",
        "    if (!user) throw new GraphQLError('User is not authenticated', { extensions: { code: 'UNAUTHENTICATED' } });",
        '    return { user };',
        '  },',
        '});',
      ].join('\n'),
    });
    const found = loadRoutes(dir, [graphqlAdapter]);
    expect(found.map((entry) => `${entry.id} ${entry.auth} ${entry.middleware.map((m) => `${m.name}:${m.kind}:${m.scope}`).join(',')}`)).toEqual(['QUERY orders authenticated context function:auth:global']);
  });

  it('reads graphql-shield permission maps as middleware, not as resolvers', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { 'graphql-yoga': '^5.0.0', 'graphql-shield': '^7.6.5' } }),
      'src/permissions.ts': [
        "import { allow, rule, shield } from 'graphql-shield';",
        "import { GraphQLError } from 'graphql';",
        'const isAuthenticated = rule()(async (_p: unknown, _a: unknown, ctx: any) => { if (!ctx.user) throw new GraphQLError("no", { extensions: { code: "UNAUTHENTICATED" } }); return true; });',
        'export const permissions = shield({ Query: { feed: allow, drafts: isAuthenticated }, Mutation: { publish: isAuthenticated } });',
      ].join('\n'),
      'src/resolvers.ts': [
        'export const resolvers = {',
        '  Query: { feed: () => [], drafts: (_p: unknown, _a: unknown, ctx: any) => ctx.db.drafts() },',
        '  Mutation: { publish: (_p: unknown, args: { id: string }, ctx: any) => ctx.db.publish(args.id) },',
        '};',
      ].join('\n'),
    });
    const found = loadRoutes(dir, [graphqlAdapter]);
    expect(found.map((entry) => `${entry.id} ${entry.auth}`)).toEqual(['QUERY feed public', 'QUERY drafts authenticated', 'MUTATION publish authenticated']);
  });
});

describe('NestJS GraphQL resolvers: fixture app', () => {
  const routes = loadRoutes(path.resolve('fixtures/apps/nestjs-graphql'), [nestjsAdapter]);

  it('lists @Query/@Mutation/@ResolveField methods with their guards', () => {
    expect(inventory(routes)).toEqual([
      { method: 'QUERY', path: 'order', file: 'src/orders/orders.resolver.ts', line: 12, auth: 'authenticated' },
      { method: 'QUERY', path: 'myOrders', file: 'src/orders/orders.resolver.ts', line: 18, auth: 'authenticated' },
      { method: 'QUERY', path: 'ordersByNote', file: 'src/orders/orders.resolver.ts', line: 24, auth: 'authenticated' },
      { method: 'QUERY', path: 'orderByNumber', file: 'src/orders/orders.resolver.ts', line: 30, auth: 'authenticated' },
      { method: 'MUTATION', path: 'refundOrder', file: 'src/orders/orders.resolver.ts', line: 36, auth: 'public' },
      { method: 'FIELD', path: 'Order.customer', file: 'src/orders/orders.resolver.ts', line: 41, auth: 'unknown' },
    ]);
    expect(route(routes, 'QUERY order').middleware.map((m) => `${m.name} ${m.kind}/${m.scope}`)).toEqual(['GqlAuthGuard auth/route']);
    expect(route(routes, 'QUERY myOrders').principal).toEqual(['@CurrentUser() user']);
    expect(route(routes, 'QUERY order').handler?.name).toBe('OrdersResolver.findOne');
  });
});

describe('type-graphql resolvers: fixture app', () => {
  const routes = loadRoutes(path.resolve('fixtures/apps/type-graphql'), [typeGraphqlAdapter]);

  it('lists operations with @Authorized and @UseMiddleware as guards', () => {
    expect(inventory(routes)).toEqual([
      { method: 'QUERY', path: 'recipes', file: 'src/resolvers/recipe.ts', line: 14, auth: 'public' },
      { method: 'QUERY', path: 'recipe', file: 'src/resolvers/recipe.ts', line: 20, auth: 'authenticated' },
      { method: 'MUTATION', path: 'rateRecipe', file: 'src/resolvers/recipe.ts', line: 26, auth: 'authenticated' },
      { method: 'MUTATION', path: 'deleteRecipe', file: 'src/resolvers/recipe.ts', line: 33, auth: 'authenticated' },
      { method: 'MUTATION', path: 'removeRecipe', file: 'src/resolvers/recipe.ts', line: 39, auth: 'public' },
      { method: 'FIELD', path: 'Recipe.author', file: 'src/resolvers/recipe.ts', line: 45, auth: 'unknown' },
    ]);
    expect(route(routes, 'MUTATION deleteRecipe').middleware.map((m) => `${m.kind} ${(m.roles ?? []).join(',')}`)).toEqual(['role ADMIN']);
    expect(route(routes, 'MUTATION rateRecipe').middleware.map((m) => `${m.name} ${m.kind}`)).toEqual(['isAuth auth']);
  });
});
