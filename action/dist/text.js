import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { et as formatText, tt as formatTextSummary, nt as visibleFindings, rt as wrap, it as wrapWords } from "./trustscan-core.js";
