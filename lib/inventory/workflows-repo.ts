import "server-only";
import { and, asc, desc, eq, sql, type Placeholder, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { repositories, workflows, type FindingCounts, type WorkflowToken } from "@/lib/db/schema";
import type { CiSystem, Phase } from "@/lib/analysis/types";
import { SEVERITY_RANK } from "./workflow-summary";
import { filtersToSearch, type WorkflowFilters } from "./workflows-schema";
import { cachedTotal, inventoryVersionSql } from "./read-cache";
import { workflowOwnerExpr, workflowOwnerSourceExpr } from "./owner-exprs";

export interface WorkflowRow {
  id: string;
  system: CiSystem;
  repository: string;
  path: string;
  name: string | null;
  state: string | null;
  triggers: string[];
  untrustedTriggers: string[];
  phase: Phase | null;
  /** The broadest GITHUB_TOKEN any job holds: write-all, write, read, default (inherits) or none. */
  token: WorkflowToken;
  idToken: boolean;
  secrets: string[];
  identities: { kind: string; id: string | null; oidc: boolean }[];
  systems: { kind: string; id: string | null }[];
  owner: string | null;
  ownerSource: string | null;
  findings: FindingCounts;
  parseError: string | null;
}

export interface WorkflowPage {
  rows: WorkflowRow[];
  total: number;
  page: number;
  size: number;
}

const SEVERITY_AT_LEAST: Record<NonNullable<WorkflowFilters["severity"]>, number> = {
  critical: SEVERITY_RANK.critical,
  high: SEVERITY_RANK.high,
  medium: SEVERITY_RANK.medium,
  low: SEVERITY_RANK.low,
};

/** The values a filtered view binds, as SQL parameters (the filters, transformed as their predicates need). */
interface ConditionValues {
  q?: string;
  secret?: string;
  phase?: string;
  system?: string;
  trigger?: string;
  untrusted?: true;
  severity?: number;
}
const FILTER_KEYS: (keyof ConditionValues)[] = ["q", "secret", "phase", "system", "trigger", "untrusted", "severity"];

/** A value bound now, or a placeholder bound when a prepared query executes. */
type Bound<T> = T | Placeholder;

function conditionValues(f: Partial<WorkflowFilters>): ConditionValues {
  return {
    ...(f.q ? { q: `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` } : {}),
    ...(f.secret ? { secret: f.secret } : {}),
    ...(f.phase ? { phase: f.phase } : {}),
    ...(f.system ? { system: f.system } : {}),
    ...(f.trigger ? { trigger: JSON.stringify([f.trigger]) } : {}),
    ...(f.untrusted ? { untrusted: true as const } : {}),
    ...(f.severity ? { severity: SEVERITY_AT_LEAST[f.severity] } : {}),
  };
}

function conditionsSql(orgId: Bound<string>, v: { [K in keyof ConditionValues]?: Bound<NonNullable<ConditionValues[K]>> }): SQL[] {
  const where: SQL[] = [
    sql`${workflows.orgId} = ${orgId}`,
    // The few removed repositories, hashed once per query (repository_org_removed_idx).
    sql`${workflows.repoId} not in (select r.id from ${repositories} r where r.org_id = ${orgId} and r.removed_at is not null)`,
  ];
  if (v.q !== undefined) where.push(sql`${workflows.search} like lower(${v.q}::text)`);
  if (v.secret !== undefined) where.push(sql`${workflows.secretKeys} @> array[upper(${v.secret}::text)]`);
  if (v.phase !== undefined) where.push(sql`${workflows.phases} @> array[${v.phase}::text]`);
  if (v.system !== undefined) where.push(sql`${workflows.system} = ${v.system}::text`);
  if (v.trigger !== undefined) where.push(sql`${workflows.triggers} @> ${v.trigger}::jsonb`);
  if (v.untrusted !== undefined) where.push(sql`${workflows.untrustedTriggers} <> '[]'::jsonb`);
  if (v.severity !== undefined) where.push(sql`${workflows.maxSeverity} >= ${v.severity}::int`);
  return where;
}

/**
 * The conditions of a filtered view; orgId is always the first. Shared by the list and the
 * export. Every filter reads the workflow row's own summary columns (see workflow-summary.ts),
 * each backed by an index: no join, no per-row subquery.
 */
export function workflowConditions(orgId: string, f: Partial<WorkflowFilters>): SQL[] {
  return conditionsSql(orgId, conditionValues(f));
}

/** ORDER BY of a sort; each matches one of the workflow_org_*_idx indexes, walked forwards or backwards. */
export function workflowOrder(f: Pick<WorkflowFilters, "sort" | "dir">): SQL[] {
  const order = f.dir === "desc" ? desc : asc;
  switch (f.sort) {
    case "findings":
      return [order(workflows.openFindings), asc(workflows.repoFullName), asc(workflows.path)];
    case "secrets":
      return [order(workflows.secretCount), asc(workflows.repoFullName), asc(workflows.path)];
    case "workflow":
      return [order(workflows.path), order(workflows.repoFullName)];
    default:
      return [order(workflows.repoFullName), order(workflows.path)];
  }
}

/** The columns of a workflow row, all from the row itself (the owner also from owner_override). */
export function workflowRowColumns(orgId: Bound<string>) {
  return {
    id: workflows.id,
    system: workflows.system,
    repository: workflows.repoFullName,
    path: workflows.path,
    name: workflows.name,
    state: workflows.state,
    triggers: workflows.triggers,
    untrustedTriggers: workflows.untrustedTriggers,
    phase: workflows.phase,
    token: workflows.token,
    idToken: workflows.idToken,
    secrets: workflows.secretNames,
    identities: workflows.identities,
    systems: workflows.systems,
    owner: workflowOwnerExpr(orgId),
    ownerSource: workflowOwnerSourceExpr(orgId),
    findings: workflows.findingCounts,
    parseError: workflows.parseError,
  };
}

/**
 * The page's rows as one JSON array built by PostgreSQL, in `order`. Decoding one JSON value
 * costs the app a fraction of decoding 50 rows × 17 columns (arrays, jsonb) and mapping them,
 * which was most of a list request's time in the app. Keys are the DTO's own (WorkflowRow).
 */
function rowsAsJson(orgId: Bound<string>, order: SQL[]): SQL<WorkflowRow[] | string | null> {
  const fields = Object.entries(workflowRowColumns(orgId)).map(([key, value]) => sql`${sql.raw(`'${key}'`)}, ${value}`);
  return sql<WorkflowRow[] | string | null>`json_agg(json_build_object(${sql.join(fields, sql`, `)}) order by ${sql.join(order, sql`, `)})`;
}

/**
 * The page query of one filter shape (which filters are set, the sort and its direction), with
 * every value a placeholder: prepared once per connection under its own name, so PostgreSQL
 * parses and plans it once instead of on every page turn — planning this statement cost about
 * as much as running it.
 */
function pageQuery(db: Db, shape: string, present: (keyof ConditionValues)[], order: SQL[]) {
  const P = (name: string) => sql.placeholder(name);
  const values = Object.fromEntries(present.map((k) => [k, P(k)]));
  const where = and(...conditionsSql(P("orgId"), values));
  const ids = db.select({ id: workflows.id }).from(workflows).where(where).orderBy(...order).limit(P("limit")).offset(P("offset")).as("page_ids");
  return db
    .select({ version: inventoryVersionSql(P("orgId")), rows: rowsAsJson(P("orgId"), order) })
    .from(ids)
    .innerJoin(workflows, eq(workflows.id, ids.id))
    .prepare(`gatehouse_workflows_${shape}`);
}
type PageQuery = ReturnType<typeof pageQuery>;
const pageQueries = new WeakMap<Db, Map<string, PageQuery>>();

/**
 * One page of the org's workflows, filtered and sorted in SQL. The page's ids are found first
 * (an index walk over workflow alone; rows skipped by OFFSET cost an index entry each), then
 * only those rows are read whole, with their owner.
 */
export async function listWorkflows(db: Db, orgId: string, f: WorkflowFilters): Promise<WorkflowPage> {
  const values = conditionValues(f);
  const present = (Object.keys(values) as (keyof ConditionValues)[]).sort();
  // A short name (PostgreSQL cuts statement names at 63 bytes): the sort, the direction and a bit per filter set.
  const mask = present.reduce((m, k) => m | (1 << FILTER_KEYS.indexOf(k)), 0);
  const shape = `${f.sort}_${f.dir}_${mask}`;
  let byShape = pageQueries.get(db);
  if (!byShape) pageQueries.set(db, (byShape = new Map()));
  let query = byShape.get(shape);
  if (!query) byShape.set(shape, (query = pageQuery(db, shape, present, workflowOrder(f))));
  // The rows and the inventory's version in one statement.
  const [page] = await query.execute({ ...values, orgId, limit: f.size, offset: (f.page - 1) * f.size });
  // Counted (unprepared: rare) only when the cached total is of another version.
  const count = async () => Number((await db.select({ n: sql<number>`count(*)::int` }).from(workflows).where(and(...workflowConditions(orgId, f))))[0]?.n ?? 0);
  // The filters alone decide the total: sort, direction and page share one cache entry.
  const key = `workflows|${filtersToSearch({ ...f, sort: undefined, dir: undefined, page: undefined, size: undefined })}`;
  const total = await cachedTotal(orgId, key, page?.version ?? "", count);
  // node-postgres decodes json; PGlite may hand it over as text.
  const rows: WorkflowRow[] = typeof page?.rows === "string" ? JSON.parse(page.rows) : (page?.rows ?? []);
  return { rows, total, page: f.page, size: f.size };
}
