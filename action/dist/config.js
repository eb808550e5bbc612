import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { xt as DEFAULT_MAX_FILE_SIZE, St as MODEL_KINDS, Ct as SINK_CATEGORIES, wt as defaultConfig, Tt as loadConfig, Et as validateConfig } from "./trustscan-core.js";
