import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Z as changedFiles, Q as findMergeBase, $ as loadGitState, et as readCommitTime, tt as readGitState, nt as resolveRef } from "./trustscan-core.js";
