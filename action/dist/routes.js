import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { q as ROUTES_SCHEMA_VERSION, J as buildRoutesJson, Y as formatRoutesJson, X as formatRoutesText, Z as middlewareLabel } from "./trustscan-core.js";
