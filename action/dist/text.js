import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Q as formatText, $ as formatTextSummary, et as visibleFindings, tt as wrap, nt as wrapWords } from "./trustscan-core.js";
