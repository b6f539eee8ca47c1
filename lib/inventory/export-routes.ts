import "server-only";
import { z } from "zod";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { AppError } from "@/lib/http/errors";
import { recordAudit } from "@/lib/audit/record";
import { auditEntry } from "@/lib/audit/define-event";
import { ListWorkflowsSchema } from "./workflows-schema";
import { inventoryPages } from "./export";
import { EXPORT_FORMATS, exportEncoder } from "./export-format";
import { ExportFiltersSchema, InventoryExported } from "./export-audit";
import { acquireExportSlot, exportStream, MAX_EXPORTS_PER_ORG } from "./export-stream";

const ExportSchema = ListWorkflowsSchema.extend({ format: z.enum(EXPORT_FORMATS, { message: "must be csv, md or json" }).default("csv") });

/**
 * The view as a file, streamed a keyset page at a time. Order of events: a slot of the
 * organisation's concurrent exports is taken (or 429), the export is audited (its own statement,
 * committed before the first byte: an export that cannot be audited is not sent), then the
 * stream runs and gives the slot back however it ends.
 */
export const exportRoute: OrgReadRoute<typeof ExportSchema, Response> = {
  kind: "org-read",
  action: InventoryExported.action,
  permission: "inventory.read",
  input: ExportSchema,
  run: async ({ db, actor, input, meta }) => {
    const release = acquireExportSlot(actor.orgId);
    if (!release) {
      throw new AppError(
        "rate_limited",
        `${MAX_EXPORTS_PER_ORG} exports of ${actor.orgSlug} are already being downloaded; wait until one has finished, then export again.`,
      );
    }
    const date = new Date().toISOString().slice(0, 10);
    const encoder = exportEncoder(input.format, `Credential inventory of ${actor.orgSlug}, ${date}`);
    try {
      const filters = ExportFiltersSchema.parse(Object.fromEntries(Object.entries(input).filter(([k, v]) => k in ExportFiltersSchema.shape && v !== undefined && v !== "")));
      await recordAudit(db, actor, meta, auditEntry(InventoryExported, { id: actor.orgSlug, label: `${input.format} export` }, { format: input.format, filters }));
    } catch (err) {
      release();
      throw err;
    }
    return new Response(exportStream(inventoryPages(db, actor.orgId, input), encoder, release, meta.requestId), {
      headers: {
        "content-type": encoder.contentType,
        "content-disposition": `attachment; filename="gatehouse-${actor.orgSlug}-inventory-${date}.${encoder.extension}"`,
        "cache-control": "no-store",
        "x-request-id": meta.requestId,
      },
    });
  },
};
