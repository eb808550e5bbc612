import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { l as ROUTES_SCHEMA_VERSION, u as formatRoutesJson, d as formatRoutesText } from "./trustscan-core.js";
