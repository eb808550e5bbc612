import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Y as allRules, z as inventoryFlows, B as inventoryRoutes, V as scan } from "./trustscan-core.js";
