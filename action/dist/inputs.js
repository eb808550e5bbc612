import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { C as configIdentity, w as loadHistory, T as parseScope, E as projectIdentity, D as reportDate } from "./trustscan-core.js";
