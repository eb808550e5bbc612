/**
 * Libraries that build Next.js Server Actions from a client with middleware (read by
 * engine/frameworks/next/server-actions.ts).
 */
export const SAFE_ACTION: { package: string; clientFactories: readonly string[]; actionMethods: readonly string[]; schemaMethods: readonly string[] } = {
  package: 'next-safe-action',
  /** `createSafeActionClient()`: the root every action client is built from. */
  clientFactories: ['createSafeActionClient'],
  /** `.action(fn)`, `.stateAction(fn)`: the server function the client wraps. */
  actionMethods: ['action', 'stateAction'],
  /** `.inputSchema(schema)` (v8), `.schema(schema)` (v7): the client parses the input with it before the action runs, so `parsedInput` is the schema's output. */
  schemaMethods: ['inputSchema', 'schema'],
};
