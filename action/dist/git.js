import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { H as changedFiles, U as findMergeBase, W as loadGitState, G as readCommitTime, K as readGitState, q as resolveRef } from "./trustscan-core.js";
