import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphqlAdapter, pothosAdapter, typeGraphqlAdapter } from '../../src/engine/frameworks/graphql/index.js';
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
        '  Query: { feed: (_p: unknown, _a: unknown, ctx: any) => ctx.db.feed(), drafts: (_p: unknown, _a: unknown, ctx: any) => ctx.db.drafts() },',
        '  Mutation: { publish: (_p: unknown, args: { id: string }, ctx: any) => ctx.db.publish(args.id) },',
        '};',
      ].join('\n'),
    });
    const found = loadRoutes(dir, [graphqlAdapter]);
    expect(found.map((entry) => `${entry.id} ${entry.auth}`)).toEqual(['QUERY feed public', 'QUERY drafts authenticated', 'MUTATION publish authenticated']);
  });
});

describe('graphql-js code-first schemas (new GraphQLObjectType)', () => {
  it('reads the root types a GraphQLSchema names as operations and other object types as field resolvers', () => {
    const routes = loadRoutes(path.resolve('fixtures/rules/missing-authentication/graphql/code-first'), [graphqlAdapter]);
    expect(routes.map((entry) => `${entry.id} ${entry.auth}`).sort()).toEqual([
      'FIELD Subscription.amount unknown',
      'MUTATION editSetting authenticated',
      'MUTATION hideSetting authenticated',
      'MUTATION purgeSettings public',
      'MUTATION resetSetting authenticated',
      'QUERY setting public',
      'QUERY settings public',
    ]);
    expect(route(routes, 'QUERY setting').handler?.file).toBe('setting-query.ts');
    expect(route(routes, 'MUTATION hideSetting').authEvidence[0]).toMatch(/hands req\.remoteUser to mustBeLoggedInTo/);
  });

  it('takes the types called Query and Mutation as roots when no schema is in view', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { 'express-graphql': '^0.12.0', graphql: '^16.9.0' } }),
      'src/types.ts': [
        "import { GraphQLObjectType, GraphQLString } from 'graphql';",
        'export const Mutation = new GraphQLObjectType({',
        "  name: 'Mutation',",
        '  fields: { rename: { type: GraphQLString, args: { name: { type: GraphQLString } }, resolve: (_: unknown, args: { name: string }) => args.name } },',
        '});',
      ].join('\n'),
    });
    expect(loadRoutes(dir, [graphqlAdapter]).map((entry) => entry.id)).toEqual(['MUTATION rename']);
  });

  it('reads a schema graphql-js alone serves (`graphql({ schema, source })` in a Lambda, no server package)', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { graphql: '^0.11.7', 'aws-sdk': '^2.1.0' } }),
      'handler.js': [
        "const { graphql, GraphQLSchema, GraphQLObjectType, GraphQLString } = require('graphql');",
        'const schema = new GraphQLSchema({',
        "  query: new GraphQLObjectType({ name: 'RootQueryType', fields: { greeting: { type: GraphQLString, args: { name: { type: GraphQLString } }, resolve: (_, args) => `Hello, ${args.name}` } } }),",
        "  mutation: new GraphQLObjectType({ name: 'RootMutationType', fields: { renameBadge: { type: GraphQLString, args: { label: { type: GraphQLString } }, resolve: (_, args) => args.label } } }),",
        '});',
        'module.exports.query = (event) => graphql({ schema, source: event.queryStringParameters.query });',
      ].join('\n'),
    });
    expect(loadRoutes(dir, [graphqlAdapter]).map((entry) => entry.id).sort()).toEqual(['MUTATION renameBadge', 'QUERY greeting']);
  });
});

describe('graphql resolver maps: how real projects write them', () => {
  it('reads a permission check the server put on the context, and a resolver handing its context to a function registered on it', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { 'apollo-server-express': '^3.0.0' } }),
      // A plugin's mutation: the server's context carries validatePermissions, which throws for a caller without the permission.
      'src/mutations/createShippingMethod.js': [
        'export default async function createShippingMethod(context, input) {',
        "  await context.validatePermissions('shipping-methods', 'create', { shopId: input.shopId });",
        '  return context.collections.Shipping.insertOne({ shopId: input.shopId, name: input.name });',
        '}',
      ].join('\n'),
      'src/resolvers/Mutation/createShippingMethod.js': [
        "import createShippingMethodMutation from '../../mutations/createShippingMethod.js';",
        'export default async function createShippingMethod(parentResult, { input }, context) {',
        '  const { method } = await createShippingMethodMutation(context, input);',
        '  return { method };',
        '}',
      ].join('\n'),
      // The query function is registered on the context by a plugin loader: the call cannot be resolved.
      'src/resolvers/Query/orderById.js': [
        'export default async function orderById(parentResult, args, context) {',
        '  const { id, shopId } = args;',
        '  return context.queries.orderById(context, { orderId: id, shopId });',
        '}',
      ].join('\n'),
      // Registered functions that do not receive the context are no delegation of the caller.
      'src/resolvers/Query/shopName.js': 'export default async function shopName(parentResult, args, context) { return context.settings.shopName(args.id); }',
      'src/resolvers/index.js': [
        "import createShippingMethod from './Mutation/createShippingMethod.js';",
        "import orderById from './Query/orderById.js';",
        "import shopName from './Query/shopName.js';",
        'export default { Mutation: { createShippingMethod }, Query: { orderById, shopName } };',
      ].join('\n'),
      'src/server.js': "import { ApolloServer } from 'apollo-server-express';\nimport resolvers from './resolvers/index.js';\nexport const server = new ApolloServer({ typeDefs: '', resolvers });",
    });
    const found = loadRoutes(dir, [graphqlAdapter]);
    expect(route(found, 'MUTATION createShippingMethod').auth).toBe('authenticated');
    expect(route(found, 'MUTATION createShippingMethod').authEvidence[0]).toMatch(/createShippingMethod \(src\/mutations\/createShippingMethod\.js:1\)/);
    expect(route(found, 'QUERY orderById').auth).toBe('unknown');
    expect(route(found, 'QUERY orderById').authEvidence[0]).toMatch(/hands its context to context\.queries\.orderById/);
    expect(route(found, 'QUERY shopName').auth).toBe('public');
  });

  it('reads resolver modules exported by type name (load-files) and maps of namespace imports', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { 'graphql-yoga': '^5.0.0', '@graphql-tools/load-files': '^7.0.0' } }),
      'src/resolvers/post/query.resolver.ts': [
        'export const Query = {',
        '  post: (_p: unknown, args: { id: string }, ctx: any) => ctx.prisma.post.findUnique({ where: { id: args.id } }),',
        '};',
        'export const Post = { author: (parent: { authorId: string }, _a: unknown, ctx: any) => ctx.prisma.user.findUnique({ where: { id: parent.authorId } }) };',
      ].join('\n'),
      'src/schema/Mutation.ts': "import * as todoDelete from './todoDelete';\nexport const resolvers = { todoDelete: todoDelete.resolver };",
      'src/schema/todoDelete.ts': 'export const resolver = async (_p: unknown, args: { id: string }, ctx: any) => ctx.db.todo.delete({ where: { id: args.id } });',
      'src/schema.ts': "import * as Mutation from './schema/Mutation';\nexport const resolvers = { Mutation: Mutation.resolvers };",
      'src/data.ts': 'export const Defaults = { limit: () => 10 };',
    });
    const found = loadRoutes(dir, [graphqlAdapter]);
    expect(found.map((entry) => `${entry.id} ${entry.file}:${entry.line}`)).toEqual([
      'QUERY post src/resolvers/post/query.resolver.ts:2',
      'FIELD Post.author src/resolvers/post/query.resolver.ts:4',
      'MUTATION todoDelete src/schema/Mutation.ts:2',
    ]);
  });

  it("reads GraphQL Codegen's server preset: one exported resolver per field, typed by its root type, its service fetched from the injector", () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { 'graphql-yoga': '^5.0.0', 'graphql-modules': '^2.0.0' } }),
      'src/modules/auth/providers/auth-manager.ts': [
        "import { share } from '../../shared/helpers';",
        'class AccessError extends Error { constructor(message: string, readonly code: string) { super(message); } }',
        'export class AuthManager {',
        '  private session: { userId: string } | null;',
        '  constructor(context: any) { this.session = context.session; }',
        '  // Memoized per operation: the wrapper runs the function it is given.',
        '  getCurrentUser = share(async () => {',
        '    if (!this.session) {',
        "      throw new AccessError('Authorization token is missing', 'UNAUTHENTICATED');",
        '    }',
        '    return { id: this.session.userId };',
        '  });',
        '}',
      ].join('\n'),
      'src/modules/shared/helpers.ts': 'export function share<T>(fn: () => T): () => T { let value: T | undefined; return () => (value ??= fn()); }',
      'src/modules/project/providers/project-manager.ts': [
        "import { AuthManager } from '../../auth/providers/auth-manager';",
        'export class ProjectManager {',
        '  constructor(private readonly authManager: AuthManager) {}',
        '  async deleteProject(id: string) {',
        '    const user = await this.authManager.getCurrentUser();',
        '    return { id, by: user.id };',
        '  }',
        '}',
      ].join('\n'),
      'src/modules/project/resolvers/Mutation/deleteProject.ts': [
        "import { ProjectManager } from '../../providers/project-manager';",
        "import type { MutationResolvers } from '../../../../__generated__/types';",
        "export const deleteProject: NonNullable<MutationResolvers['deleteProject']> = async (_, { id }, { injector }) => {",
        '  return injector.get(ProjectManager).deleteProject(id);',
        '};',
      ].join('\n'),
      'src/modules/project/resolvers/Mutation/archiveProject.ts': [
        "import { ProjectManager } from '../../providers/project-manager';",
        "import type { MutationResolvers } from '../../../../__generated__/types';",
        "export const archiveProject: NonNullable<MutationResolvers['archiveProject']> = async (_, { id }, { injector }) => {",
        '  // The returned object makes the call, which checks the caller before anything is returned.',
        '  return { selector: { id }, project: await injector.get(ProjectManager).deleteProject(id) };',
        '};',
      ].join('\n'),
      'src/modules/project/resolvers/Query/project.ts': [
        "import type { QueryResolvers } from '../../../../__generated__/types';",
        "export const project: QueryResolvers['project'] = (_, { id }, { injector }) => ({ id });",
        "export const helper = (id: string) => id;",
      ].join('\n'),
    });
    const found = loadRoutes(dir, [graphqlAdapter]);
    expect(found.map((entry) => `${entry.id} ${entry.file}:${entry.line} ${entry.handler?.name} ${entry.auth}`)).toEqual([
      'MUTATION archiveProject src/modules/project/resolvers/Mutation/archiveProject.ts:3 Mutation.archiveProject authenticated',
      'MUTATION deleteProject src/modules/project/resolvers/Mutation/deleteProject.ts:3 Mutation.deleteProject authenticated',
      'QUERY project src/modules/project/resolvers/Query/project.ts:2 Query.project public',
    ]);
  });

  it('follows a service kept in a local after the injector lookup, a nested success object, and a check reached deep in another chain first', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { 'graphql-yoga': '^5.0.0', 'graphql-modules': '^2.0.0' } }),
      'src/modules/auth/providers/auth-manager.ts': [
        'class AccessError extends Error {}',
        'export class AuthManager {',
        '  constructor(private readonly session: { userId: string } | null) {}',
        '  async currentUser() {',
        "    if (!this.session) throw new AccessError('Authorization token is missing');",
        '    return { id: this.session.userId };',
        '  }',
        '  async ensureTeamAccess(team: string) {',
        '    const user = await this.currentUser();',
        '    return { team, user };',
        '  }',
        '}',
      ].join('\n'),
      'src/modules/team/providers/team-manager.ts': [
        "import { AuthManager } from '../../auth/providers/auth-manager';",
        'export class TeamManager {',
        '  constructor(private readonly auth: AuthManager) {}',
        '  async getTeam(team: string) {',
        '    await this.auth.ensureTeamAccess(team);',
        '    return { id: team };',
        '  }',
        '}',
      ].join('\n'),
      // A chain four calls deep reaches TeamManager.getTeam at the end of the helper budget.
      'src/modules/team/providers/chain.ts': [
        "import { TeamManager } from './team-manager';",
        'export class Chain {',
        '  constructor(private readonly teams: TeamManager) {}',
        '  async one(team: string) { return this.two(team); }',
        '  async two(team: string) { return this.three(team); }',
        '  async three(team: string) { return this.four(team); }',
        '  async four(team: string) { return this.teams.getTeam(team); }',
        '}',
      ].join('\n'),
      'src/modules/team/resolvers/Mutation/aRenameTeam.ts': [
        "import { Chain } from '../../providers/chain';",
        "import type { MutationResolvers } from '../../../../__generated__/types';",
        "export const aRenameTeam: NonNullable<MutationResolvers['aRenameTeam']> = async (_, { team }, { injector }) => {",
        '  return injector.get(Chain).one(team);',
        '};',
      ].join('\n'),
      'src/modules/team/resolvers/Mutation/bArchiveTeam.ts': [
        "import { TeamManager } from '../../providers/team-manager';",
        "import type { MutationResolvers } from '../../../../__generated__/types';",
        "export const bArchiveTeam: NonNullable<MutationResolvers['bArchiveTeam']> = async (_, { team }, { injector }) => {",
        '  const archived = await injector.get(TeamManager).getTeam(team);',
        '  return { archived };',
        '};',
      ].join('\n'),
      'src/modules/team/resolvers/Mutation/cAddChannel.ts': [
        "import { TeamManager } from '../../providers/team-manager';",
        "import type { MutationResolvers } from '../../../../__generated__/types';",
        "export const cAddChannel: NonNullable<MutationResolvers['cAddChannel']> = async (_, { input }, { injector }) => {",
        "  if (!input.name) return { error: { message: 'Please check your input.' } };",
        '  return { ok: { updatedTeam: await injector.get(TeamManager).getTeam(input.team), name: input.name } };',
        '};',
      ].join('\n'),
      'src/modules/team/resolvers/Mutation/dUpdateTeam.ts': [
        "import { TeamManager } from '../../providers/team-manager';",
        "import type { MutationResolvers } from '../../../../__generated__/types';",
        "export const dUpdateTeam: NonNullable<MutationResolvers['dUpdateTeam']> = async (_, { team }, { injector }) => {",
        '  const teams = injector.get(TeamManager);',
        '  const updated = await teams.getTeam(team);',
        '  return { updated };',
        '};',
      ].join('\n'),
    });
    const found = loadRoutes(dir, [graphqlAdapter]);
    expect(found.map((entry) => `${entry.id} ${entry.auth}`)).toEqual([
      'MUTATION aRenameTeam public',
      'MUTATION bArchiveTeam authenticated',
      'MUTATION cAddChannel authenticated',
      'MUTATION dUpdateTeam authenticated',
    ]);
  });

  it('a context function that verifies a token only when one is sent authenticates nothing; resolvers that check are authenticated', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { 'graphql-yoga': '^5.0.0' } }),
      'src/yoga.ts': [
        "import { createSchema, createYoga } from 'graphql-yoga';",
        "import jwt from 'jsonwebtoken';",
        "import { resolvers } from './resolvers';",
        'async function buildContext({ request }: { request: Request }) {',
        "  const token = request.headers.get('authorization');",
        '  let user = null;',
        '  if (token != null) {',
        '    user = jwt.verify(token, process.env.SECRET!);',
        "    if (!user) throw new Error('unauthorized');",
        '  }',
        '  return { user };',
        '}',
        "export const yoga = createYoga({ schema: createSchema({ typeDefs: '', resolvers }), context: buildContext, plugins: [useRateLimiter({ identifyFn: () => '' })] });",
        'declare function useRateLimiter(options: unknown): unknown;',
      ].join('\n'),
      'src/resolvers.ts': [
        "import { GraphQLError } from 'graphql';",
        'function assertAuthenticated(ctx: { role: string }) {',
        "  if (ctx.role === 'GUEST') throw new GraphQLError('forbidden');",
        '}',
        'export const resolvers = {',
        '  Query: {',
        '    feed: (_p: unknown, _a: unknown, ctx: any) => ctx.db.posts(),',
        '    drafts: (_p: unknown, _a: unknown, ctx: any) => { assertAuthenticated(ctx); return ctx.db.drafts(); },',
        '    async myPosts(_p: unknown, _a: unknown, { user, db }: any) {',
        "      if (user === null) return new AuthenticationError();",
        '      return db.posts(user.id);',
        '    },',
        '  },',
        '};',
        'class AuthenticationError extends Error {}',
      ].join('\n'),
    });
    const found = loadRoutes(dir, [graphqlAdapter]);
    expect(found.map((entry) => `${entry.id} ${entry.auth} ${entry.middleware.map((m) => m.kind).join(',')}`)).toEqual([
      'QUERY feed public rate-limit',
      'QUERY drafts authenticated rate-limit',
      'QUERY myPosts authenticated rate-limit',
    ]);
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

describe('Pothos schema builder: fixture app', () => {
  const routes = loadRoutes(path.resolve('fixtures/apps/pothos'), [pothosAdapter]);

  it('lists root fields as operations and object fields with resolvers as field resolvers, following the builder across files', () => {
    expect(inventory(routes)).toEqual([
      { method: 'MUTATION', path: 'updateProfile', file: 'src/schema/mutation.ts', line: 9, auth: 'authenticated' },
      { method: 'MUTATION', path: 'deleteUser', file: 'src/schema/mutation.ts', line: 16, auth: 'authenticated' },
      { method: 'MUTATION', path: 'subscribeNewsletter', file: 'src/schema/mutation.ts', line: 23, auth: 'public' },
      { method: 'FIELD', path: 'Order.total', file: 'src/schema/order.ts', line: 9, auth: 'unknown' },
      { method: 'FIELD', path: 'Order.trackingUrl', file: 'src/schema/order.ts', line: 13, auth: 'unknown' },
      { method: 'QUERY', path: 'order', file: 'src/schema/order.ts', line: 17, auth: 'authenticated' },
      { method: 'QUERY', path: 'searchOrders', file: 'src/schema/order.ts', line: 27, auth: 'authenticated' },
      { method: 'QUERY', path: 'orgOrders', file: 'src/schema/order.ts', line: 35, auth: 'authenticated' },
      { method: 'SUBSCRIPTION', path: 'orderUpdated', file: 'src/schema/order.ts', line: 43, auth: 'public' },
      { method: 'QUERY', path: 'products', file: 'src/schema/query.ts', line: 9, auth: 'public' },
      { method: 'QUERY', path: 'me', file: 'src/schema/query.ts', line: 17, auth: 'authenticated' },
      { method: 'QUERY', path: 'feed', file: 'src/schema/query.ts', line: 18, auth: 'public' },
      { method: 'QUERY', path: 'version', file: 'src/schema/query.ts', line: 20, auth: 'public' },
      { method: 'QUERY', path: 'users', file: 'src/schema/query.ts', line: 21, auth: 'authenticated' },
      { method: 'FIELD', path: 'User.invoices', file: 'src/schema/user.ts', line: 14, auth: 'unknown' },
      { method: 'FIELD', path: 'Invoice.pdfUrl', file: 'src/schema/user.ts', line: 24, auth: 'unknown' },
    ]);
    expect(routes.every((found) => found.kind === 'graphql' && found.framework === 'pothos')).toBe(true);
    // `t.exposeString('name')`, `t.exposeID('id')` and `t.relation('customer')` have no resolver: no entry point.
    expect(routes.some((found) => /\.(?:name|id|customer)$/.test(found.path))).toBe(false);
  });

  it('reads scope-auth scopes on the field, t.withAuth and the type, judged by what the builder defines for each scope', () => {
    expect(route(routes, 'QUERY order').authEvidence).toEqual(['authScopes { loggedIn: true } (route, src/schema/order.ts:21)']);
    expect(route(routes, 'QUERY order').middleware[0]!.evidence).toMatch(/scope loggedIn defined at src\/builder\.ts:17 !!context\.user/);
    expect(route(routes, 'QUERY me').middleware.map((m) => `${m.name} ${m.kind}`)).toEqual(['t.withAuth({ loggedIn: true }) auth']);
    expect(route(routes, 'QUERY users').middleware.map((m) => `${m.kind} ${(m.roles ?? []).join(',')}`)).toEqual(['role admin']);
    expect(route(routes, 'MUTATION deleteUser').middleware.map((m) => `${m.name} ${m.kind}/${m.scope}`)).toEqual([
      'authScopes { loggedIn: true } of Mutation auth/router',
      't.withAuth({ admin: true }) role/route',
    ]);
    // A scope-auth function returning a scope map: `member` compares the caller's organisations.
    expect(route(routes, 'QUERY orgOrders').middleware.map((m) => m.kind)).toEqual(['auth']);
    // `public: true` in the loader always passes; `skipTypeScopes` drops the Mutation type's scopes.
    expect(route(routes, 'QUERY feed').middleware.map((m) => `${m.kind} ${m.evidence}`)).toEqual([expect.stringMatching(/^other .*always passes, anyone may call it/)]);
    expect(route(routes, 'MUTATION subscribeNewsletter').middleware).toEqual([]);
  });

  it('names the resolver, its in-resolver checks and where Prisma fields take their arguments', () => {
    expect(route(routes, 'QUERY searchOrders').authEvidence[0]).toMatch(/reads ctx\.user and rejects unauthenticated requests/);
    expect(route(routes, 'QUERY order').handler?.name).toBe('Query.order');
    expect(route(routes, 'QUERY order').argsParameter).toBe(2);
    expect(route(routes, 'QUERY me').argsParameter).toBeUndefined();
    expect(route(routes, 'SUBSCRIPTION orderUpdated').handler?.name).toBe('Subscription.orderUpdated');
    expect(route(routes, 'FIELD User.invoices').authEvidence[0]).toMatch(/runs with the authentication of the operation that returns User/);
  });
});

describe('Pothos: how real projects write it', () => {
  it('a context function that rejects anonymous requests authenticates every field; a returned type\'s scopes guard a query', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { '@pothos/core': '^4.3.0', '@pothos/plugin-scope-auth': '^4.1.0', 'graphql-yoga': '^5.10.0' } }),
      'src/builder.ts': [
        "import SchemaBuilder from '@pothos/core';",
        "import ScopeAuthPlugin from '@pothos/plugin-scope-auth';",
        'const builder = new SchemaBuilder<{ Context: { user: { admin: boolean } | null } }>({',
        '  plugins: [ScopeAuthPlugin],',
        '  authScopes: ({ user }) => ({ admin: Boolean(user?.admin) }),',
        '});',
        'export default builder;',
      ].join('\n'),
      'src/log.ts': [
        "import builder from './builder';",
        "export const LogType = builder.objectRef<{ id: string }>('LogEntry').implement({",
        '  authScopes: { admin: true },',
        "  fields: (t) => ({ id: t.exposeID('id') }),",
        '});',
        "builder.queryField('log', (t) => t.field({ type: LogType, args: { id: t.arg.id() }, resolve: (_root, args, ctx: any) => ctx.db.log(args.id) }));",
        "builder.mutationField('clearLog', (t) => t.field({ type: 'Boolean', resolve: (_root, _args, ctx: any) => ctx.db.clear() }));",
      ].join('\n'),
      'src/server.ts': [
        "import { createYoga } from 'graphql-yoga';",
        "import { GraphQLError } from 'graphql';",
        "import jwt from 'jsonwebtoken';",
        "import builder from './builder';",
        'export const yoga = createYoga({',
        '  schema: builder.toSchema(),',
        '  context: ({ request }) => {',
        "    const user = jwt.verify(request.headers.get('authorization') ?? '', process.env.SECRET!);",
        "    if (!user) throw new GraphQLError('Not authenticated', { extensions: { code: 'UNAUTHENTICATED' } });",
        '    return { user };',
        '  },',
        '});',
      ].join('\n'),
    });
    const found = loadRoutes(dir, [pothosAdapter]);
    expect(found.map((entry) => `${entry.id} ${entry.auth} ${entry.middleware.map((m) => `${m.name}:${m.kind}`).join(',')}`)).toEqual([
      'QUERY log authenticated context function:auth,authScopes { admin: true } of LogEntry (the returned type):role',
      'MUTATION clearLog authenticated context function:auth',
    ]);
  });

  it('reads scope maps built from locals and spreads, a defaultStrategy of all, and skips fields without a resolver', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ dependencies: { '@pothos/core': '^4.3.0', '@pothos/plugin-prisma': '^4.4.0' } }),
      'src/builder.ts': [
        "import SchemaBuilder from '@pothos/core';",
        'export const builder = new SchemaBuilder<any>({',
        '  scopeAuth: {',
        "    defaultStrategy: 'all',",
        '    authScopes: async (ctx) => ({ authenticated: !!ctx.user?.sub, role: (role) => ctx.user?.role === role, anyone: true }),',
        '  },',
        '});',
      ].join('\n'),
      'src/schema.ts': [
        "import { builder } from './builder';",
        "const LIST = 'courses';",
        'builder.queryType({',
        '  fields(t) {',
        "    const asUser = { authenticated: true, role: 'USER' };",
        '    return {',
        "      course: t.prismaField({ type: 'Course', authScopes: { ...asUser, anyone: true }, resolve: (query, _root, args, ctx) => ctx.prisma.course.findUnique({ ...query, where: { id: args.id } }) }),",
        "      [LIST]: t.prismaConnection({ type: 'Course', cursor: 'id', authScopes: { anyone: true }, resolve: (query) => [] }),",
        "      related: t.relatedConnection('posts', { cursor: 'id' }),",
        '    };',
        '  },',
        '});',
      ].join('\n'),
    });
    const found = loadRoutes(dir, [pothosAdapter]);
    expect(found.map((entry) => `${entry.id} ${entry.auth} ${entry.middleware.map((m) => `${m.kind}${m.roles ? `[${m.roles.join(',')}]` : ''}`).join(',')}`)).toEqual([
      'QUERY course authenticated role[USER]',
      'QUERY courses public other',
    ]);
  });
});

describe('RedwoodJS services', () => {
  it('serves each service export named for a root field of the SDL, guarded or opened by its directive', () => {
    const routes = loadRoutes(path.resolve('fixtures/rules/missing-ownership-check/redwood'), [graphqlAdapter]);
    expect(routes.map((route) => `${route.id} ${route.auth}${route.publicByDesign ? ` (${route.publicByDesign.split(' (')[0]})` : ''} ${route.file}:${route.line}`)).toEqual([
      'QUERY comment authenticated api/src/services/comments/comments.ts:5',
      'QUERY note authenticated api/src/services/notes/notes.ts:5',
      'QUERY myNote authenticated api/src/services/notes/notes.ts:9',
      'MUTATION deleteNote authenticated api/src/services/notes/notes.ts:13',
      'QUERY publishedNote public (@skipAuth schema directive) api/src/services/notes/notes.ts:18',
    ]);
  });
});
