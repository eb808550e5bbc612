import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { h as DEFAULT_FLOW_TEST_SETTINGS, g as generateFlowTests } from "./trustscan-core.js";
