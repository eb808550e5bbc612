/**
 * What trustscan knows of GraphQL servers, as data: the packages that serve resolver maps, the
 * calls that take a context function, resolver composers and permission layers.
 */
import type { Operation } from '../../routes/route.js';

/** Servers and schema builders that take resolver maps (`{ Query: {...}, Mutation: {...} }`). */
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
];

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

/** graphql-shield's entry point: its first argument is a permission map shaped like a resolver map. */
export const SHIELD_FACTORIES = new Set(['shield']);

/** type-graphql decorators that declare an operation, and that operation. */
export const TYPE_GRAPHQL_OPERATIONS: Readonly<Record<string, Operation>> = { Query: 'QUERY', Mutation: 'MUTATION', Subscription: 'SUBSCRIPTION', FieldResolver: 'FIELD' };
