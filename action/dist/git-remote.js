import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { at as publicRepositoryUri, ot as readOriginUrl } from "./trustscan-core.js";
