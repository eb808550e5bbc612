import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { ct as changedFiles, lt as findMergeBase, ut as loadGitState, dt as readBounded, ft as readCommitTime, pt as readGitState, mt as readTreeFiles, ht as resolveRef } from "./trustscan-core.js";
