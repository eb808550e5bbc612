import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { H as formatFlowsJson, U as formatFlowsMarkdown, W as formatFlowsMermaid } from "./trustscan-core.js";
