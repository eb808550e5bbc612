import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { St as changedFiles, Ct as findMergeBase, wt as loadGitState, Tt as readBounded, Et as readCommitTime, Dt as readGitState, Ot as readTreeFiles, kt as resolveRef } from "./trustscan-core.js";
