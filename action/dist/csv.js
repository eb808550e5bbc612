import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { m as FINDINGS_CSV_COLUMNS, h as ROUTES_CSV_COLUMNS, g as csvCell, _ as formatCsvTable, v as formatFindingsCsv, y as formatRoutesCsv } from "./trustscan-core.js";
