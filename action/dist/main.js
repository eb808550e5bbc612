import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
import { Jt as mainOnAnalysisThread, Kt as runAction, qt as annotation } from "./trustscan-core.js";
// dist/action/main.js
const env = process.env;
try {
	process.exitCode = await runAction({
		env,
		cwd: process.cwd(),
		stdout: (text) => process.stdout.write(text),
		runScanner: (argv) => mainOnAnalysisThread(argv, {
			stdout: (text) => process.stdout.write(text),
			stderr: (text) => process.stdout.write(text),
			cwd: process.cwd(),
			env,
			stdoutIsTTY: false,
			stderrIsTTY: false
		}, 2)
	});
} catch (error) {
	process.stdout.write(annotation("error", `trustscan action failed: ${error instanceof Error ? error.message : String(error)}`, { title: "trustscan" }));
	process.exitCode = 2;
}
export {};
