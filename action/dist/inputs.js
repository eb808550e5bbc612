import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { S as configIdentity, C as loadHistory, w as parseScope, T as projectIdentity, E as reportDate } from "./trustscan-core.js";
