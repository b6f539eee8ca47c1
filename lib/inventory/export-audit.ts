import { z } from "zod";
import { defineAuditEvent } from "@/lib/audit/define-event";
import { EXPORT_FORMATS } from "./export-format";
import { WorkflowFiltersSchema } from "./workflows-schema";

/** The filters of the exported view that were set (an empty object: the whole inventory). */
export const ExportFiltersSchema = WorkflowFiltersSchema.pick({ q: true, secret: true, phase: true, system: true, trigger: true, untrusted: true, severity: true });

/** Who downloaded which view of the inventory, in which format: written before the first byte is sent. */
export const InventoryExported = defineAuditEvent(
  "inventory.export",
  "inventory",
  z.object({ format: z.enum(EXPORT_FORMATS), filters: ExportFiltersSchema }),
);
