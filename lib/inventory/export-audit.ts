import { z } from "zod";
import { defineAuditEvent } from "@/lib/audit/define-event";
import { EXPORT_FORMATS } from "./export-format";
import { PHASES } from "./workflows-schema";

/** The filters of the exported view that were set (an empty object: the whole inventory). */
export const ExportFiltersSchema = z.object({
  q: z.string().optional(),
  secret: z.string().optional(),
  phase: z.enum(PHASES).optional(),
  trigger: z.string().optional(),
  untrusted: z.enum(["1"]).optional(),
  severity: z.enum(["critical", "high", "medium", "low"]).optional(),
});

/** Who downloaded which view of the inventory, in which format: written before the first byte is sent. */
export const InventoryExported = defineAuditEvent(
  "inventory.export",
  "inventory",
  z.object({ format: z.enum(EXPORT_FORMATS), filters: ExportFiltersSchema }),
);
