import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { g as FINDINGS_CSV_COLUMNS, _ as ROUTES_CSV_COLUMNS, v as csvCell, y as formatCsvTable, b as formatFindingsCsv, x as formatRoutesCsv } from "./trustscan-core.js";
