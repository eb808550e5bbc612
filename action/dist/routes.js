import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Y as ROUTES_SCHEMA_VERSION, X as buildRoutesJson, Z as formatRoutesJson, Q as formatRoutesText, $ as middlewareLabel } from "./trustscan-core.js";
