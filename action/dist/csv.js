import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { h as FINDINGS_CSV_COLUMNS, g as ROUTES_CSV_COLUMNS, _ as csvCell, v as formatCsvTable, y as formatFindingsCsv, b as formatRoutesCsv } from "./trustscan-core.js";
