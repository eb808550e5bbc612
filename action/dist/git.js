import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Ct as changedFiles, wt as findMergeBase, Tt as loadGitState, Et as readBounded, Dt as readCommitTime, Ot as readGitState, kt as readTreeFiles, At as resolveRef } from "./trustscan-core.js";
