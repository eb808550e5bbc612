import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { t as formatText, n as formatTextSummary, r as visibleFindings } from "./trustscan-core.js";
