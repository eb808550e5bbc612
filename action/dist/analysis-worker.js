import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
import { Wt as main } from "./trustscan-core.js";
import { parentPort, workerData } from "node:worker_threads";
// dist/analysis-worker.js
const data = workerData;
const port = parentPort;
const io = {
	stdout: (text) => port.postMessage({
		stream: "stdout",
		text
	}),
	stderr: (text) => port.postMessage({
		stream: "stderr",
		text
	}),
	cwd: data.cwd,
	env: process.env,
	stdoutIsTTY: data.stdoutIsTTY,
	stderrIsTTY: data.stderrIsTTY,
	stdoutColumns: data.stdoutColumns
};
const finished = main(data.argv, io).then((exitCode) => {
	port.postMessage({ exitCode });
	return exitCode;
});
export { finished };
