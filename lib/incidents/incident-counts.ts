import "server-only";
import { and, count, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { incidents } from "@/lib/db/schema";

/** Open incidents of one organisation, for the navigation's badge (one index scan: incident_org_status_idx). */
export async function countOpenIncidents(db: Db, orgId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(incidents).where(and(eq(incidents.orgId, orgId), eq(incidents.status, "open")));
  return Number(row?.n ?? 0);
}
