import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { jt as applyBaseline, Mt as buildBaseline, Nt as formatBaseline, Pt as readBaseline } from "./trustscan-core.js";
