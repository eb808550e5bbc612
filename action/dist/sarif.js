import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { n as buildSarifLog, r as formatSarif, i as pascalCase, a as ruleName, o as ruleTags } from "./trustscan-core.js";
