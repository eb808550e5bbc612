import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { at as formatFlowsJson, ot as formatFlowsMarkdown, st as formatFlowsMermaid } from "./trustscan-core.js";
