import type { FrameworkAdapter } from './adapter.js';

/** Every framework adapter, in the order their routes are listed when files tie. */
export const FRAMEWORK_ADAPTERS: readonly FrameworkAdapter[] = [];
