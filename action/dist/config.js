import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { st as DEFAULT_MAX_FILE_SIZE, ct as MODEL_KINDS, lt as SINK_CATEGORIES, ut as defaultConfig, dt as loadConfig, ft as validateConfig } from "./trustscan-core.js";
