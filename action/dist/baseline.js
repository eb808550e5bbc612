import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { At as applyBaseline, jt as buildBaseline, Mt as formatBaseline, Nt as readBaseline } from "./trustscan-core.js";
