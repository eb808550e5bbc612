import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
import { t as require_isomorphic_git } from "./trustscan-core.js";
export default require_isomorphic_git();
export {};
