import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { rt as formatFlowsJson, it as formatFlowsMarkdown, at as formatFlowsMermaid } from "./trustscan-core.js";
