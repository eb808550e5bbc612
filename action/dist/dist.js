import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { vt as allRules, F as analyzeFlows, I as inventoryFlows, L as inventoryRoutes, R as listRoutes, z as scan, Ot as version } from "./trustscan-core.js";
