import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { P as flowCountsLine, F as formatLogReplayText, I as orderedViolations, L as summaryLines } from "./trustscan-core.js";
