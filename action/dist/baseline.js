import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { mt as applyBaseline, ht as buildBaseline, gt as formatBaseline, _t as readBaseline } from "./trustscan-core.js";
