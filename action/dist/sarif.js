import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { i as buildSarifLog, a as formatSarif, o as pascalCase, s as ruleName, c as ruleTags } from "./trustscan-core.js";
