import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { rowsOf } from "@/lib/db/migrate";
import type { Phase } from "@/lib/analysis/types";
import type { BlastTarget } from "./blast-radius-schema";
import { BLAST_LIMITS, CAPABILITIES, blastRadiusQuery } from "./blast-radius-sql";
import { createVersionedCache, inventoryAndOverridesVersion } from "./read-cache";

export { BLAST_LIMITS };

export interface BlastJob {
  id: string;
  repository: string;
  workflowId: string;
  workflowPath: string;
  job: string;
  phase: Phase;
  environment: string | null;
  tokenWrites: string[];
  idToken: boolean;
  runsUntrustedCode: boolean;
}

export interface BlastCredential {
  key: string;
  kind: "secret" | "identity" | "github-token";
  label: string;
  detail: string;
  /** Who rotates or revokes it (none for a GITHUB_TOKEN: it expires with the run): the first ones by name, and how many in all. */
  owners: string[];
  ownersTotal: number;
  updatedAt: string | null;
  /** How many of the target's jobs hold it. */
  jobs: number;
}

export type Capability = (typeof CAPABILITIES)[number];

export interface BlastSystem {
  key: string;
  kind: string;
  id: string | null;
  /** The most holding the credentials allows there. */
  capability: Capability;
  /** How many of the target's jobs reach it. */
  jobs: number;
  /** Labels of the credentials that open it (the first ones by name), and how many in all. */
  via: string[];
  viaTotal: number;
}

export interface BlastRotation {
  owner: string;
  /** Labels of the credentials this owner rotates (the most used first), and how many in all. */
  credentials: string[];
  credentialsTotal: number;
}

/**
 * What a compromise of the target could reach. Totals are exact over all of the target's
 * jobs; the lists are bounded (BLAST_LIMITS): jobs in repository, workflow, job order;
 * credentials by jobs holding them; systems by capability, then jobs; owners by credentials.
 * Edges join only listed nodes: workflows of the listed jobs, listed credentials and systems.
 */
export interface BlastRadius {
  target: BlastTarget;
  jobs: BlastJob[];
  jobsTotal: number;
  credentials: BlastCredential[];
  credentialsTotal: number;
  systems: BlastSystem[];
  systemsTotal: number;
  rotation: BlastRotation[];
  rotationTotal: number;
  edges: { from: string; to: string }[];
}

type BlastRadiusJson = Omit<BlastRadius, "target" | "systems"> & { systems: (Omit<BlastSystem, "capability"> & { rank: number })[] };

/** PGlite and node-postgres both parse json; counts may arrive as strings from either. */
function parse(value: unknown): BlastRadiusJson {
  return (typeof value === "string" ? JSON.parse(value) : value) as BlastRadiusJson;
}

export function emptyBlastRadius(target: BlastTarget): BlastRadius {
  return { target, jobs: [], jobsTotal: 0, credentials: [], credentialsTotal: 0, systems: [], systemsTotal: 0, rotation: [], rotationTotal: 0, edges: [] };
}

// Responses are at most ~80 KB (the lists are bounded): 200 entries stay under 16 MB.
const results = createVersionedCache<BlastRadius>(200, 10 * 60_000);

/**
 * The jobs the target runs in, the credentials those jobs hold, the systems the credentials
 * open, and who must rotate each credential. An unknown target, or another org's, is empty.
 * Cached until a sync run writes or an owner override changes (read-cache.ts): a target used
 * by most of a large org takes seconds to compute, and a responder opens it again and again.
 */
export async function computeBlastRadius(db: Db, orgId: string, target: BlastTarget): Promise<BlastRadius> {
  const version = await inventoryAndOverridesVersion(db, orgId);
  return results.get(orgId, `${target.type}|${target.id}`, version, () => blastRadiusOf(db, orgId, target));
}

async function blastRadiusOf(db: Db, orgId: string, target: BlastTarget): Promise<BlastRadius> {
  const query = blastRadiusQuery(orgId, target);
  if (!query) return emptyBlastRadius(target);
  const [row] = await db.transaction(async (tx) => {
    // One large statement: JIT compiling it costs seconds, far more than running it; and the
    // inventory is read from memory, where an index probe costs about as much as a page read.
    await tx.execute(sql`select set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true)`);
    return rowsOf<{ result: unknown }>(await tx.execute(query));
  });
  const r = parse(row?.result);
  if (!r || Number(r.jobsTotal) === 0) return emptyBlastRadius(target);
  return {
    target,
    jobs: r.jobs,
    jobsTotal: Number(r.jobsTotal),
    credentials: r.credentials.map((c) => ({ ...c, jobs: Number(c.jobs), ownersTotal: Number(c.ownersTotal) })),
    credentialsTotal: Number(r.credentialsTotal),
    systems: r.systems.map(({ rank, ...s }) => ({ ...s, capability: CAPABILITIES[rank] ?? "read", jobs: Number(s.jobs), viaTotal: Number(s.viaTotal) })),
    systemsTotal: Number(r.systemsTotal),
    rotation: r.rotation.map((o) => ({ ...o, credentialsTotal: Number(o.credentialsTotal) })),
    rotationTotal: Number(r.rotationTotal),
    edges: r.edges,
  };
}
