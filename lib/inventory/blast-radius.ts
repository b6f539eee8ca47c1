import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { rowsOf } from "@/lib/db/migrate";
import type { Phase } from "@/lib/analysis/types";
import type { BlastTarget } from "./blast-radius-schema";
import { BLAST_LIMITS, CAPABILITIES, blastRadiusQuery } from "./blast-radius-sql";
import { blastRadiusVersion, createVersionedCache } from "./read-cache";

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

/** A cloud trust (AWS role, Google Cloud provider, Entra federated credential, Vault role) some of the target's jobs can assume. */
export interface BlastTrust {
  id: string;
  provider: "aws" | "gcp" | "azure" | "vault";
  name: string;
  /** The ARN / resource name people recognise. */
  resource: string;
  /** AWS account, Google Cloud project, Azure tenant/subscription, Vault address; null when the source did not say. */
  account: string | null;
  /** yes: some job's token certainly matches; possibly: the evaluator could not decide for any. */
  decision: "yes" | "possibly";
  /** How many of the target's jobs can present a token it accepts; of them, how many name it (use it) and how many do not (over-broad). */
  jobs: number;
  usingJobs: number;
  overBroadJobs: number;
  /** The first lines of the role's permissions summary (BLAST_LIMITS.perItem), and how many in all; empty with a note when unreadable. */
  permissions: string[];
  permissionsTotal: number;
  permissionsNote: string | null;
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
  /** Cloud trusts the jobs can assume (from the last trust evaluation), those with a certain match and a job using them first. */
  trusts: BlastTrust[];
  trustsTotal: number;
  /** Workflow → trust edges for the listed jobs' workflows and the first BLAST_LIMITS.graph trusts, labelled "can assume (uses it)" and so on. */
  trustEdges: { from: string; to: string; label: string }[];
}

type BlastRadiusJson = Omit<BlastRadius, "target" | "systems" | "trusts"> & {
  systems: (Omit<BlastSystem, "capability"> & { rank: number })[];
  trusts: (Omit<BlastTrust, "permissionsTotal"> & { id: string })[];
};

/** PGlite and node-postgres both parse json; counts may arrive as strings from either. */
function parse(value: unknown): BlastRadiusJson {
  return (typeof value === "string" ? JSON.parse(value) : value) as BlastRadiusJson;
}

export function emptyBlastRadius(target: BlastTarget): BlastRadius {
  return { target, jobs: [], jobsTotal: 0, credentials: [], credentialsTotal: 0, systems: [], systemsTotal: 0, rotation: [], rotationTotal: 0, edges: [], trusts: [], trustsTotal: 0, trustEdges: [] };
}

// Responses are at most ~80 KB (the lists are bounded): 200 entries stay under 16 MB.
const results = createVersionedCache<BlastRadius>(200, 10 * 60_000);

/**
 * The jobs the target runs in, the credentials those jobs hold, the systems the credentials
 * open, who must rotate each credential, and the cloud trusts the jobs can assume. An unknown target, or another org's, is empty.
 * Cached until a sync run writes, an owner override changes or a trust source is read or
 * evaluated (blastRadiusVersion, read-cache.ts): a target used
 * by most of a large org takes seconds to compute, and a responder opens it again and again.
 */
export async function computeBlastRadius(db: Db, orgId: string, target: BlastTarget): Promise<BlastRadius> {
  const version = await blastRadiusVersion(db, orgId);
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
    trusts: r.trusts.map((t) => ({
      ...t,
      jobs: Number(t.jobs),
      usingJobs: Number(t.usingJobs),
      overBroadJobs: Number(t.overBroadJobs),
      permissions: t.permissions.slice(0, BLAST_LIMITS.perItem),
      permissionsTotal: t.permissions.length,
      // A trust read from an export or API that says nothing of its permissions.
      permissionsNote: t.permissionsNote ?? (t.permissions.length === 0 ? "the trust source did not say" : null),
    })),
    trustsTotal: Number(r.trustsTotal),
    trustEdges: r.trustEdges,
  };
}
