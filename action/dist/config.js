import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Rt as DEFAULT_MAX_FILE_SIZE, zt as MODEL_KINDS, Bt as SINK_CATEGORIES, Vt as defaultConfig, Ht as loadConfig, Ut as validateConfig } from "./trustscan-core.js";
