import "server-only";
import { z } from "zod";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { ListWorkflowsSchema } from "./workflows-schema";
import { EXPORT_FORMATS, formatInventory, inventoryLines } from "./export";

const ExportSchema = ListWorkflowsSchema.extend({ format: z.enum(EXPORT_FORMATS, { message: "must be csv, md or json" }).default("csv") });

export const exportRoute: OrgReadRoute<typeof ExportSchema, Response> = {
  kind: "org-read",
  action: "inventory.export",
  permission: "inventory.read",
  input: ExportSchema,
  run: async ({ db, actor, input }) => {
    const lines = await inventoryLines(db, actor.orgId, input);
    const date = new Date().toISOString().slice(0, 10);
    const file = formatInventory(lines, input.format, `Credential inventory of ${actor.orgSlug}, ${date}`);
    return new Response(file.body, {
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="gatehouse-${actor.orgSlug}-inventory-${date}.${file.extension}"`,
        "cache-control": "no-store",
      },
    });
  },
};
