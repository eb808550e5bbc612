export { graphqlAdapter } from './resolver-maps.js';
export { typeGraphqlAdapter } from './type-graphql.js';
export { pothosAdapter } from './pothos.js';
