import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
import { Ft as allRules, Lt as collectRuleShare } from "./trustscan-core.js";
import { parentPort, workerData } from "node:worker_threads";
// dist/rule-thread-main.js
const input = workerData;
try {
	parentPort.postMessage({ output: collectRuleShare(input, allRules) });
} catch (error) {
	parentPort.postMessage({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
}
export {};
