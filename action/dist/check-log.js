import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { I as DEFAULT_IDLE_TIMEOUT_MINUTES, L as DEFAULT_REORDER_WINDOW_SECONDS, R as MAX_BUFFERED_REQUESTS, z as checkLogs, B as logReplayFails } from "./trustscan-core.js";
