import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { m as DEFAULT_FLOW_TEST_SETTINGS, h as generateFlowTests } from "./trustscan-core.js";
