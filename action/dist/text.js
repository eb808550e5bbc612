import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { ht as formatText, gt as formatTextSummary, _t as visibleFindings, vt as wrap, yt as wrapWords } from "./trustscan-core.js";
