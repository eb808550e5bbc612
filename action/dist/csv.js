import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { _ as FINDINGS_CSV_COLUMNS, v as ROUTES_CSV_COLUMNS, y as csvCell, b as formatCsvTable, x as formatFindingsCsv, S as formatRoutesCsv } from "./trustscan-core.js";
