import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Z as formatText, Q as formatTextSummary, $ as visibleFindings, et as wrap, tt as wrapWords } from "./trustscan-core.js";
