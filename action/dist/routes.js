import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { ut as ROUTES_SCHEMA_VERSION, dt as buildRoutesJson, ft as formatRoutesJson, pt as formatRoutesText, mt as middlewareLabel } from "./trustscan-core.js";
