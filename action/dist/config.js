import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { Q as DEFAULT_MAX_FILE_SIZE, $ as MODEL_KINDS, et as SINK_CATEGORIES, tt as defaultConfig, nt as loadConfig, rt as validateConfig } from "./trustscan-core.js";
