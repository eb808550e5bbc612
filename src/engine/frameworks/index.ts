import type { FrameworkAdapter } from './adapter.js';
import { expressAdapter } from './express/index.js';
import { fastifyAdapter } from './fastify/index.js';
import { netlifyAdapter, vercelAdapter } from './functions/index.js';
import { graphqlAdapter, pothosAdapter, typeGraphqlAdapter } from './graphql/index.js';
import { honoAdapter } from './hono/index.js';
import { koaAdapter } from './koa/index.js';
import { lambdaAdapter } from './lambda/index.js';
import { medusaAdapter } from './medusa/index.js';
import { nestjsAdapter } from './nestjs/index.js';
import { nextAdapter } from './next/index.js';
import { remixAdapter } from './remix/index.js';
import { orpcAdapter, trpcAdapter } from './trpc/index.js';
import { routingControllersAdapter } from './routing-controllers/index.js';
import { tsoaAdapter } from './tsoa/index.js';
import { tsRestAdapter } from './ts-rest/index.js';

/** Every framework adapter. Order only breaks ties between routes at the same place. */
export const FRAMEWORK_ADAPTERS: readonly FrameworkAdapter[] = [expressAdapter, fastifyAdapter, honoAdapter, koaAdapter, lambdaAdapter, nestjsAdapter, routingControllersAdapter, nextAdapter, remixAdapter, vercelAdapter, netlifyAdapter, graphqlAdapter, typeGraphqlAdapter, pothosAdapter, trpcAdapter, orpcAdapter, tsoaAdapter, medusaAdapter, tsRestAdapter];
