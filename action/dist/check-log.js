import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { R as DEFAULT_IDLE_TIMEOUT_MINUTES, z as DEFAULT_REORDER_WINDOW_SECONDS, B as MAX_BUFFERED_REQUESTS, V as checkLogs, H as logReplayFails } from "./trustscan-core.js";
