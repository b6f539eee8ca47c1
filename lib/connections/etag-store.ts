import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { etagCache } from "@/lib/db/schema";
import type { EtagStore } from "@/lib/github/etag";

/** The conditional-request cache kept in the database, per organisation, across restarts. */
export function dbEtagStore(db: Db, orgId: string): EtagStore {
  return {
    async get(key) {
      const [row] = await db
        .select({ etag: etagCache.etag, body: etagCache.body })
        .from(etagCache)
        .where(and(eq(etagCache.orgId, orgId), eq(etagCache.key, key)))
        .limit(1);
      return row ?? null;
    },
    async set(key, etag, body) {
      await db
        .insert(etagCache)
        .values({ orgId, key, etag, body: body as object })
        .onConflictDoUpdate({ target: [etagCache.orgId, etagCache.key], set: { etag, body: body as object, updatedAt: sql`now()` } });
    },
  };
}
