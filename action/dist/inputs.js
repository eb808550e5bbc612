import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { x as configIdentity, S as loadHistory, C as parseScope, w as projectIdentity, T as reportDate } from "./trustscan-core.js";
