import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { w as configIdentity, T as loadHistory, E as parseScope, D as projectIdentity, O as reportDate } from "./trustscan-core.js";
