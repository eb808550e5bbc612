import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { M as flowCountsLine, N as formatLogReplayText, P as orderedViolations, F as summaryLines } from "./trustscan-core.js";
