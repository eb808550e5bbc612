import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Ft as allRules, Q as analyzeFlows, $ as inventoryFlows, et as inventoryRoutes, tt as listRoutes, nt as scan, Gt as version } from "./trustscan-core.js";
