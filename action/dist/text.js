import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { mt as formatText, ht as formatTextSummary, gt as visibleFindings, _t as wrap, vt as wrapWords } from "./trustscan-core.js";
