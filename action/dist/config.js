import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { It as DEFAULT_MAX_FILE_SIZE, Lt as MODEL_KINDS, Rt as SINK_CATEGORIES, zt as defaultConfig, Bt as loadConfig, Vt as validateConfig } from "./trustscan-core.js";
