import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Ct as DEFAULT_MAX_FILE_SIZE, wt as MODEL_KINDS, Tt as SINK_CATEGORIES, Et as defaultConfig, Dt as loadConfig, Ot as validateConfig } from "./trustscan-core.js";
