import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { ot as changedFiles, st as findMergeBase, ct as loadGitState, lt as readBounded, ut as readCommitTime, dt as readGitState, ft as readTreeFiles, pt as resolveRef } from "./trustscan-core.js";
