import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { K as ROUTES_SCHEMA_VERSION, q as buildRoutesJson, J as formatRoutesJson, Y as formatRoutesText, X as middlewareLabel } from "./trustscan-core.js";
