import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { ot as formatFlowsJson, st as formatFlowsMarkdown, ct as formatFlowsMermaid } from "./trustscan-core.js";
