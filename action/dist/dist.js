import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { bt as allRules, L as analyzeFlows, R as inventoryFlows, z as inventoryRoutes, B as listRoutes, V as scan, At as version } from "./trustscan-core.js";
