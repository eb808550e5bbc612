import type { FrameworkAdapter } from '../adapter.js';
export const honoAdapter: FrameworkAdapter = { name: 'hono', isEnabled: () => false, discoverRoutes: () => [] };
