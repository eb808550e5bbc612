import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { N as LOG_REPLAY_SCHEMA_VERSION, P as formatLogReplayJson } from "./trustscan-core.js";
