import { fileURLToPath as __trustscanFileURLToPath } from "node:url";
__trustscanFileURLToPath(import.meta.url);
__trustscanFileURLToPath(new URL(".", import.meta.url));
export { v as FINDINGS_CSV_COLUMNS, y as ROUTES_CSV_COLUMNS, b as csvCell, x as formatCsvTable, S as formatFindingsCsv, C as formatRoutesCsv } from "./trustscan-core.js";
