import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { bt as publicRepositoryUri, xt as readOriginUrl } from "./trustscan-core.js";
