import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { at as changedFiles, ot as findMergeBase, st as loadGitState, ct as readBounded, lt as readCommitTime, ut as readGitState, dt as readTreeFiles, ft as resolveRef } from "./trustscan-core.js";
