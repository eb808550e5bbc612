import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { bt as changedFiles, xt as findMergeBase, St as loadGitState, Ct as readBounded, wt as readCommitTime, Tt as readGitState, Et as readTreeFiles, Dt as resolveRef } from "./trustscan-core.js";
