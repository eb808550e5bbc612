import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { t as buildSarifLog, n as formatSarif, r as pascalCase, i as ruleName, a as ruleTags } from "./trustscan-core.js";
