import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { M as LOG_REPLAY_SCHEMA_VERSION, N as formatLogReplayJson } from "./trustscan-core.js";
