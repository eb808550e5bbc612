import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { b as configIdentity, x as loadHistory, S as parseScope, C as projectIdentity, w as reportDate } from "./trustscan-core.js";
