import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { z as DEFAULT_IDLE_TIMEOUT_MINUTES, B as DEFAULT_REORDER_WINDOW_SECONDS, V as MAX_BUFFERED_REQUESTS, H as checkLogs, U as logReplayFails } from "./trustscan-core.js";
