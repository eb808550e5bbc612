import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { pt as applyBaseline, mt as buildBaseline, ht as formatBaseline, gt as readBaseline } from "./trustscan-core.js";
