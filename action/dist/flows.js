import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { N as formatFlowsJson, P as formatFlowsMarkdown, F as formatFlowsMermaid } from "./trustscan-core.js";
