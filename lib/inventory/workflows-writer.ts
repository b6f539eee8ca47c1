import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/types";
import { jobActions, jobIdentities, jobs, jobSecrets, jobsGone, jobSystems, workflows, workflowsGone } from "@/lib/db/schema";
import { contentHash } from "./content-hash";
import { chunks, CHUNK, excludedSet } from "./write-batches";
import type { WorkflowMoves } from "@/lib/findings/finding-moves";

// A repository's workflows and jobs brought to the new snapshot, inside the snapshot writer's
// transaction. Ids follow natural keys: a workflow is its repository's path, a job its
// workflow's job key. Each row carries the hash of what was last written (content_hash): an
// unchanged workflow or job (with its references) is not written at all; a changed one is
// updated in place; a vanished one is deleted and leaves a tombstone (workflow_gone, job_gone)
// so its old id still answers; a path or job key that comes back gets its tombstone's id.
// Rename: GitHub does not report one. Within one snapshot, a vanished path whose blob SHA
// (the file's content hash) is that of exactly one new path, and of no other vanished path,
// moved there; its tombstone says so. An edited-and-moved file reads as deleted + new.

type Refs<T extends { $inferInsert: object }> = Omit<T["$inferInsert"], "id" | "jobId">[];

export type WorkflowValues = Omit<typeof workflows.$inferInsert, "id" | "contentHash">;
export type JobValues = Omit<typeof jobs.$inferInsert, "id" | "workflowId" | "contentHash">;
export interface JobReferences {
  secrets: Refs<typeof jobSecrets>;
  identities: Refs<typeof jobIdentities>;
  systems: Refs<typeof jobSystems>;
  actions: Refs<typeof jobActions>;
}
export interface DesiredWorkflow {
  values: WorkflowValues;
  jobs: { values: JobValues; refs: JobReferences }[];
}

/** When this snapshot is taken, and when the repository's previous one was (the last time a vanished row was seen). */
export interface SnapshotTimes {
  now: Date;
  previous: Date | null;
}

const WORKFLOW_COLUMNS = [
  "orgId", "repoId", "system", "repoFullName", "path", "name", "githubWorkflowId", "state", "blobOid", "triggers", "untrustedTriggers", "parseError", "owner", "ownerSource",
  "phase", "phases", "token", "idToken", "secretNames", "secretKeys", "identities", "systems", "findingCounts", "openFindings", "maxSeverity", "contentHash",
] as const satisfies (keyof typeof workflows.$inferInsert)[];
const JOB_COLUMNS = [
  "orgId", "repoId", "workflowId", "jobKey", "name", "line", "phase", "permissions", "permissionsSource", "idToken", "environment", "runsOn", "selfHosted",
  "runsUntrustedCode", "uses", "calls", "contentHash",
] as const satisfies (keyof typeof jobs.$inferInsert)[];
// A column added to workflow or job must be listed above, or a changed row would keep its old value.
type Unlisted<T, L extends readonly string[]> = Exclude<keyof T, L[number] | "id">;
const everyColumnListed: [Unlisted<typeof workflows.$inferInsert, typeof WORKFLOW_COLUMNS>, Unlisted<typeof jobs.$inferInsert, typeof JOB_COLUMNS>] extends [never, never] ? true : false = true;
void everyColumnListed;

/** Returns the paths that vanished, appeared and were renamed, for the findings that moved with them. */
export async function writeWorkflows(tx: Db, orgId: string, repoId: string, wanted: DesiredWorkflow[], at: SnapshotTimes): Promise<WorkflowMoves> {
  // One row per path: should the analysis list a path twice, the first wins.
  const paths = new Set<string>();
  const desired = wanted.filter((d) => !paths.has(d.values.path) && paths.add(d.values.path));
  const storedWorkflows = await tx
    .select({ id: workflows.id, path: workflows.path, name: workflows.name, blobOid: workflows.blobOid, contentHash: workflows.contentHash })
    .from(workflows)
    .where(and(eq(workflows.orgId, orgId), eq(workflows.repoId, repoId)));
  const storedJobs = await tx
    .select({ id: jobs.id, workflowId: jobs.workflowId, jobKey: jobs.jobKey, contentHash: jobs.contentHash })
    .from(jobs)
    .where(and(eq(jobs.orgId, orgId), eq(jobs.repoId, repoId)));
  const workflowByPath = new Map(storedWorkflows.map((w) => [w.path, w]));
  const goneWorkflows = storedWorkflows.filter((w) => !paths.has(w.path));
  const newPaths = desired.map((d) => d.values.path).filter((p) => !workflowByPath.has(p));

  // A path that comes back takes the id its tombstone kept.
  const revivedWorkflows = newPaths.length === 0 ? [] : await tx
    .select({ id: workflowsGone.id, path: workflowsGone.path })
    .from(workflowsGone)
    .where(and(eq(workflowsGone.orgId, orgId), eq(workflowsGone.repoId, repoId), inArray(workflowsGone.path, newPaths)));
  const revivedByPath = new Map(revivedWorkflows.map((g) => [g.path, g.id]));

  const workflowRows: (typeof workflows.$inferInsert & { id: string })[] = [];
  const plan: { workflowId: string; existed: boolean; jobs: DesiredWorkflow["jobs"] }[] = [];
  for (const d of desired) {
    const stored = workflowByPath.get(d.values.path);
    const id = stored?.id ?? revivedByPath.get(d.values.path) ?? randomUUID();
    const hash = contentHash(d.values);
    if (stored?.contentHash !== hash) workflowRows.push({ ...d.values, id, contentHash: hash });
    plan.push({ workflowId: id, existed: stored !== undefined || revivedByPath.has(d.values.path), jobs: d.jobs });
  }

  // Jobs: keyed by workflow id + job key; a key that comes back takes its tombstone's id.
  const jobByKey = new Map(storedJobs.map((j) => [`${j.workflowId}|${j.jobKey}`, j]));
  const mayRevive = plan.filter((p) => p.existed).map((p) => p.workflowId);
  const revivedJobs = mayRevive.length === 0 ? [] : await tx
    .select({ id: jobsGone.id, workflowId: jobsGone.workflowId, jobKey: jobsGone.jobKey })
    .from(jobsGone)
    .where(and(eq(jobsGone.orgId, orgId), inArray(jobsGone.workflowId, mayRevive)));
  const revivedJobByKey = new Map(revivedJobs.map((g) => [`${g.workflowId}|${g.jobKey}`, g.id]));
  const usedRevivedJobs: string[] = [];
  const jobRows: (typeof jobs.$inferInsert & { id: string })[] = [];
  const refsToWrite: { jobId: string; refs: JobReferences }[] = [];
  const rewrittenJobIds: string[] = [];
  const keptJobKeys = new Set<string>();
  for (const p of plan) {
    for (const j of p.jobs) {
      const key = `${p.workflowId}|${j.values.jobKey}`;
      // A workflow's job keys are a YAML mapping's keys; should one repeat, the first wins.
      if (keptJobKeys.has(key)) continue;
      keptJobKeys.add(key);
      const stored = jobByKey.get(key);
      const revived = stored ? undefined : revivedJobByKey.get(key);
      if (revived) usedRevivedJobs.push(revived);
      const id = stored?.id ?? revived ?? randomUUID();
      const hash = contentHash({ values: j.values, refs: j.refs });
      if (stored?.contentHash === hash) continue;
      jobRows.push({ ...j.values, id, workflowId: p.workflowId, contentHash: hash });
      refsToWrite.push({ jobId: id, refs: j.refs });
      if (stored) rewrittenJobIds.push(id);
    }
  }
  const goneWorkflowIds = new Set(goneWorkflows.map((w) => w.id));
  // Job keys that left a workflow still in the repository (jobs of a vanished workflow go with it).
  const goneJobs = storedJobs.filter((j) => !goneWorkflowIds.has(j.workflowId) && !keptJobKeys.has(`${j.workflowId}|${j.jobKey}`));

  // Tombstones first, then the deletes they stand for.
  const movedTo = detectRenames(goneWorkflows, desired.filter((d) => !workflowByPath.has(d.values.path)).map((d) => d.values));
  const workflowTombstones = goneWorkflows.map((w) => ({ id: w.id, orgId, repoId, path: w.path, name: w.name, removedAt: at.now, lastSeenAt: at.previous, movedToPath: movedTo.get(w.id) ?? null }));
  const jobTombstones = [...storedJobs.filter((j) => goneWorkflowIds.has(j.workflowId)), ...goneJobs].map((j) => ({ id: j.id, orgId, repoId, workflowId: j.workflowId, jobKey: j.jobKey, removedAt: at.now, lastSeenAt: at.previous }));
  for (const part of chunks(workflowTombstones, CHUNK)) {
    await tx.insert(workflowsGone).values(part).onConflictDoUpdate({ target: [workflowsGone.repoId, workflowsGone.path], set: excludedSet(workflowsGone, ["id", "name", "removedAt", "lastSeenAt", "movedToPath"]) });
  }
  for (const part of chunks(jobTombstones, CHUNK)) {
    await tx.insert(jobsGone).values(part).onConflictDoUpdate({ target: [jobsGone.workflowId, jobsGone.jobKey], set: excludedSet(jobsGone, ["id", "removedAt", "lastSeenAt"]) });
  }
  await deleteIn(tx, workflowsGone, orgId, revivedWorkflows.map((g) => g.id));
  await deleteIn(tx, jobsGone, orgId, usedRevivedJobs);
  // Deleting a workflow or a job cascades to its jobs and their references.
  await deleteIn(tx, workflows, orgId, [...goneWorkflowIds]);
  await deleteIn(tx, jobs, orgId, goneJobs.map((j) => j.id));

  for (const part of chunks(workflowRows, CHUNK)) await tx.insert(workflows).values(part).onConflictDoUpdate({ target: workflows.id, set: excludedSet(workflows, [...WORKFLOW_COLUMNS]) });
  for (const part of chunks(jobRows, CHUNK)) await tx.insert(jobs).values(part).onConflictDoUpdate({ target: jobs.id, set: excludedSet(jobs, [...JOB_COLUMNS]) });
  await writeReferences(tx, orgId, rewrittenJobIds, refsToWrite);
  return {
    renamed: new Map(goneWorkflows.flatMap((w) => (movedTo.has(w.id) ? [[w.path, movedTo.get(w.id)!] as const] : []))),
    vanished: new Set(goneWorkflows.map((w) => w.path)),
    added: new Set(newPaths),
  };
}

/** The references of rewritten jobs replaced, those of new jobs added: one statement per table (chunked). */
async function writeReferences(tx: Db, orgId: string, rewrittenJobIds: string[], list: { jobId: string; refs: JobReferences }[]): Promise<void> {
  for (const table of [jobSecrets, jobIdentities, jobSystems, jobActions]) {
    for (const part of chunks(rewrittenJobIds, CHUNK)) await tx.delete(table).where(and(eq(table.orgId, orgId), inArray(table.jobId, part)));
  }
  const secretRows = list.flatMap(({ jobId, refs }) => refs.secrets.map((r) => ({ ...r, jobId })));
  const identityRows = list.flatMap(({ jobId, refs }) => refs.identities.map((r) => ({ ...r, jobId })));
  const systemRows = list.flatMap(({ jobId, refs }) => refs.systems.map((r) => ({ ...r, jobId })));
  const actionRows = list.flatMap(({ jobId, refs }) => refs.actions.map((r) => ({ ...r, jobId })));
  for (const part of chunks(secretRows, CHUNK)) await tx.insert(jobSecrets).values(part);
  for (const part of chunks(identityRows, CHUNK)) await tx.insert(jobIdentities).values(part);
  for (const part of chunks(systemRows, CHUNK)) await tx.insert(jobSystems).values(part);
  for (const part of chunks(actionRows, CHUNK)) await tx.insert(jobActions).values(part);
}

/** Vanished workflow id → the new path holding the same blob, when that pairing is one to one. */
export function detectRenames(gone: { id: string; blobOid: string | null }[], added: { path: string; blobOid?: string | null }[]): Map<string, string> {
  const count = (oids: (string | null | undefined)[]) => oids.reduce((m, o) => (o ? m.set(o, (m.get(o) ?? 0) + 1) : m), new Map<string, number>());
  const goneCount = count(gone.map((g) => g.blobOid));
  const addedCount = count(added.map((a) => a.blobOid));
  const out = new Map<string, string>();
  for (const g of gone) {
    if (!g.blobOid || goneCount.get(g.blobOid) !== 1 || addedCount.get(g.blobOid) !== 1) continue;
    out.set(g.id, added.find((a) => a.blobOid === g.blobOid)!.path);
  }
  return out;
}

type WithIdAndOrg = typeof workflows | typeof jobs | typeof workflowsGone | typeof jobsGone;

async function deleteIn(tx: Db, table: WithIdAndOrg, orgId: string, ids: string[]): Promise<void> {
  for (const part of chunks(ids, CHUNK)) await tx.delete(table).where(and(eq(table.orgId, orgId), inArray(table.id, part)));
}
