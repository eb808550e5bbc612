import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { gt as applyBaseline, _t as buildBaseline, vt as formatBaseline, yt as readBaseline } from "./trustscan-core.js";
