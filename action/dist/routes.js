import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { lt as ROUTES_SCHEMA_VERSION, ut as buildRoutesJson, dt as formatRoutesJson, ft as formatRoutesText, pt as middlewareLabel } from "./trustscan-core.js";
