import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Ot as applyBaseline, kt as buildBaseline, At as formatBaseline, jt as readBaseline } from "./trustscan-core.js";
