/**
 * What trustscan knows of GraphQL servers, as data: the packages that serve resolver maps, the
 * calls that take a context function, resolver composers and permission layers.
 */
import type { Operation } from '../../routes/route.js';

/** Servers and schema builders that take resolver maps (`{ Query: {...}, Mutation: {...} }`). */
/** RedwoodJS and CedarJS GraphQL APIs: `api/src/services` export one function per root field of `api/src/graphql/*.sdl.ts`. */
export const REDWOOD_PACKAGES = ['@redwoodjs/graphql-server', '@redwoodjs/api', '@cedarjs/graphql-server', '@cedarjs/api'];
/** Schema directives that open a field to anonymous callers on purpose (Redwood's `@skipAuth`). */
export const PUBLIC_DIRECTIVE = /^(?:skipAuth|public|allowAnonymous|anonymous)$/;

export const GRAPHQL_RESOLVER_MAP_PACKAGES = [
  '@apollo/server',
  'apollo-server',
  'apollo-server-express',
  'apollo-server-koa',
  'apollo-server-fastify',
  'apollo-server-micro',
  'apollo-server-lambda',
  'apollo-server-core',
  '@as-integrations/next',
  'graphql-yoga',
  '@graphql-yoga/node',
  'mercurius',
  'graphql-http',
  'express-graphql',
  '@graphql-tools/schema',
  '@graphql-tools/merge',
  'graphql-tools',
  '@graphql-modules/core',
  'graphql-modules',
  // RedwoodJS and its fork CedarJS: services answer the SDL's root fields (REDWOOD_SERVICE_PACKAGES).
  ...REDWOOD_PACKAGES,
];

/**
 * graphql-js itself: code-first schemas built from its classes (`new GraphQLObjectType({ fields })`,
 * `new GraphQLSchema({ query, mutation })`), served by any of the servers above.
 */
export const GRAPHQL_JS_PACKAGES = ['graphql', 'graphql/type'];
/**
 * Argument types that leave the client no free text: graphql-js rejects any other value before the
 * resolver runs. `ID` and `String` are text, custom scalars may be anything; enums are checked apart.
 */
export const GRAPHQL_JS_CONSTRAINED_SCALARS: Readonly<Record<string, string>> = { GraphQLInt: 'Int', GraphQLFloat: 'Float', GraphQLBoolean: 'Boolean' };
/** The same scalars as SDL names them. */
export const SDL_CONSTRAINED_SCALARS: ReadonlySet<string> = new Set(['Int', 'Float', 'Boolean']);
/** graphql-js type wrappers (`new GraphQLNonNull(T)`, `new GraphQLList(T)`): the value is still of type T. */
export const GRAPHQL_JS_TYPE_WRAPPERS: ReadonlySet<string> = new Set(['GraphQLNonNull', 'GraphQLList']);
/** Helpers that copy some keys of an object (`...omit(CollectionArgs, ['account'])`): the keys kept keep their declarations. */
export const OBJECT_KEY_SUBSETTERS: ReadonlySet<string> = new Set(['omit', 'pick', '_.omit', '_.pick', 'lodash.omit', 'lodash.pick']);

/** `new GraphQLSchema({...})`'s options that name the root types, and the root type each is. */
export const GRAPHQL_JS_SCHEMA_ROOTS: Readonly<Record<string, string>> = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };

/** The root types of a schema and the operation each field of them is. */
export const ROOT_OPERATION_TYPES: Readonly<Record<string, Operation>> = { Query: 'QUERY', Mutation: 'MUTATION', Subscription: 'SUBSCRIPTION' };

/** Calls whose options carry the `context` function every resolver receives. */
export const GRAPHQL_SERVER_FACTORIES = new Set([
  'ApolloServer',
  'startStandaloneServer',
  'expressMiddleware',
  'koaMiddleware',
  'fastifyApolloHandler',
  'startServerAndCreateNextHandler',
  'startServerAndCreateLambdaHandler',
  'createYoga',
  'createServer',
  'createHandler',
  'graphqlHTTP',
  'getMiddleware',
  'applyMiddleware',
]);

/** Helpers that chain resolvers without doing anything themselves (graphql-resolvers, lodash flow). */
export const RESOLVER_COMPOSERS = new Set(['combineResolvers', 'pipeResolvers', 'compose', 'pipe', 'flow', 'composeResolvers']);

/**
 * Schema directives (SDL, `field: T @auth(requires: ["x"])`) that guard a field: the schema-first
 * form of a resolver guard (Apollo's auth directive examples, wiki.js, AWS AppSync's `@aws_*`).
 * With arguments naming roles or scopes, or named for roles, they are role checks.
 */
export const AUTH_DIRECTIVE = /^(?:auth|authenticated|isAuthenticated|requireAuth|requiresAuth|requireAuthentication|requiresAuthentication|loggedIn|isLoggedIn|signedIn|authorized|authorize|authz|protected|private|user|role|roles|scopes|permission|permissions|policy|policies|aws_cognito_user_pools|aws_iam|aws_oidc|aws_lambda)$|^(?:has|requires?|is|check|must)\w*(?:Role|Roles|Scope|Scopes|Permission|Permissions|Auth|Authenticated|Owner|Access|Admin|Member)$/i;
export const ROLE_DIRECTIVE = /role|scope|permission|polic/i;
/** Directives that limit how often a field may be called (graphql-rate-limit-directive, graphql-rate-limit). */
export const RATE_LIMIT_DIRECTIVE = /^(?:rateLimit|rate_limit|throttle|limit)$/;

/** graphql-shield's entry point: its first argument is a permission map shaped like a resolver map. */
export const SHIELD_FACTORIES = new Set(['shield']);

/** type-graphql decorators that declare an operation, and that operation. */
export const TYPE_GRAPHQL_OPERATIONS: Readonly<Record<string, Operation>> = { Query: 'QUERY', Mutation: 'MUTATION', Subscription: 'SUBSCRIPTION', FieldResolver: 'FIELD' };

/**
 * Pothos (`@pothos/core`): a code-first schema builder. `new SchemaBuilder(...)` makes the builder;
 * its methods declare the schema's types and fields, each field an options object whose `resolve`
 * (for subscriptions `subscribe`) is the resolver.
 */
export const POTHOS_PACKAGES = ['@pothos/core'];
/** The builder class (the package's default export). */
export const POTHOS_BUILDER_CLASS = 'SchemaBuilder';

/** `builder.queryType({ fields: (t) => ({...}) })`: a root type and its fields, in the options object. */
export const POTHOS_ROOT_TYPES: Readonly<Record<string, Operation>> = { queryType: 'QUERY', mutationType: 'MUTATION', subscriptionType: 'SUBSCRIPTION' };
/** `builder.queryFields((t) => ({...}))`: more fields of a root type. */
export const POTHOS_ROOT_FIELDS: Readonly<Record<string, Operation>> = { queryFields: 'QUERY', mutationFields: 'MUTATION', subscriptionFields: 'SUBSCRIPTION' };
/** `builder.queryField('order', (t) => t.field({...}))`: one field of a root type. */
export const POTHOS_ROOT_FIELD: Readonly<Record<string, Operation>> = { queryField: 'QUERY', mutationField: 'MUTATION', subscriptionField: 'SUBSCRIPTION' };

/** `builder.objectType(User, { fields })`, `builder.prismaObject('User', { fields })`: a type (its name or ref first) and its fields. */
export const POTHOS_OBJECT_TYPES = new Set(['objectType', 'interfaceType', 'prismaObject', 'prismaInterface', 'prismaNode', 'drizzleObject', 'drizzleNode', 'loadableObject', 'loadableNode', 'node']);
/** `builder.objectFields(User, (t) => ({...}))`: more fields of a type. */
export const POTHOS_OBJECT_FIELDS = new Set(['objectFields', 'interfaceFields', 'prismaObjectFields', 'prismaInterfaceFields', 'drizzleObjectFields']);
/** `builder.objectField(User, 'invoices', (t) => t.field({...}))`: one field of a type. */
export const POTHOS_OBJECT_FIELD = new Set(['objectField', 'interfaceField', 'prismaObjectField', 'prismaInterfaceField', 'drizzleObjectField']);
/** `builder.objectRef<User>('User')`: a type ref, declared later with `.implement({ fields })`. */
export const POTHOS_TYPE_REFS = new Set(['objectRef', 'interfaceRef', 'loadableObjectRef', 'loadableInterfaceRef']);
/** Builder methods returning the ref of a type the plugins define, and that type's name: `builder.nodeInterfaceRef()`. */
export const POTHOS_BUILT_IN_REFS: Readonly<Record<string, string>> = { nodeInterfaceRef: 'Node', pageInfoRef: 'PageInfo' };
/** The ref classes `@pothos/core` exports: `new ObjectRef<User>('User')`. */
export const POTHOS_REF_CLASSES = new Set(['ObjectRef', 'InterfaceRef']);

/**
 * Field makers whose resolver takes the ORM query first: `t.prismaField({ resolve: (query, parent, args, ctx, info) => ... })`.
 * Every other field's resolver is `(parent, args, ctx, info)`.
 */
export const POTHOS_QUERY_FIRST_FIELDS = new Set(['prismaField', 'prismaConnection', 'drizzleField', 'drizzleConnection']);

/**
 * @pothos/plugin-scope-auth: the builder options that hold the scope loader (`authScopes: async (context) => ({ loggedIn: !!context.user })`)
 * and `defaultStrategy` in v4 (`scopeAuth`) and v3 (`scopeAuthOptions`); v3 also takes `authScopes` at the top level.
 */
export const POTHOS_SCOPE_LOADER_OPTIONS = ['scopeAuth', 'scopeAuthOptions'];
