import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { ft as formatText, pt as formatTextSummary, mt as visibleFindings, ht as wrap, gt as wrapWords } from "./trustscan-core.js";
