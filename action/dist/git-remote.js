import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { _t as publicRepositoryUri, vt as readOriginUrl } from "./trustscan-core.js";
