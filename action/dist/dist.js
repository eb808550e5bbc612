import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { vt as allRules, P as analyzeFlows, F as inventoryFlows, I as inventoryRoutes, L as listRoutes, R as scan, Ot as version } from "./trustscan-core.js";
