import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { F as flowCountsLine, I as formatLogReplayText, L as orderedViolations, R as summaryLines } from "./trustscan-core.js";
