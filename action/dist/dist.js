import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Ft as allRules, Z as analyzeFlows, Q as inventoryFlows, $ as inventoryRoutes, et as listRoutes, tt as scan, Gt as version } from "./trustscan-core.js";
