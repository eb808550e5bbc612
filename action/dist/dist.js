import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Nt as allRules, Y as analyzeFlows, X as inventoryFlows, Z as inventoryRoutes, Q as listRoutes, $ as scan, Ut as version } from "./trustscan-core.js";
