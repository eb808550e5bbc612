import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { O as builtInModels, k as configModels } from "./trustscan-core.js";
