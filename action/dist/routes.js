import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { st as ROUTES_SCHEMA_VERSION, ct as buildRoutesJson, lt as formatRoutesJson, ut as formatRoutesText, dt as middlewareLabel } from "./trustscan-core.js";
