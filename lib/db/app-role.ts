// The two PostgreSQL roles of a production install:
// - the OWNER runs migrations (`npm run db:migrate` with DATABASE_MIGRATION_URL) and owns every
//   table, including audit_event and its append-only triggers;
// - the APP role (the user of DATABASE_URL) is what the servers and workers connect as. It may
//   read and write the inventory, but on audit_event it holds only INSERT and SELECT: it cannot
//   update, delete or truncate a row, and, not being the owner, cannot disable the triggers or
//   drop the table. So "append-only" holds against anyone holding the app's credentials.
// PGlite has one role only: there the triggers are the whole guarantee (lib/audit/README.md).
import type pg from "pg";

/** The schema pg-boss keeps its queues in (lib/jobs/queue.ts). */
export const JOB_SCHEMA = "pgboss";

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The login name in a PostgreSQL URL ("postgres" when the URL names none, like libpq). */
export function roleOfUrl(url: string): string {
  return decodeURIComponent(new URL(url).username) || "postgres";
}

/**
 * Grants the app role what the application needs and nothing on audit_event beyond
 * INSERT and SELECT. Idempotent: run after every migration (new tables get the same grants,
 * and default privileges cover tables the owner creates later).
 */
export async function grantAppRole(owner: pg.Client, appRole: string): Promise<void> {
  const role = quoteIdent(appRole);
  const exists = await owner.query("select 1 from pg_roles where rolname = $1", [appRole]);
  if (exists.rowCount === 0) {
    throw new Error(`The app role ${appRole} (the user of DATABASE_URL) does not exist: create it first (CREATE ROLE ${appRole} LOGIN PASSWORD '…').`);
  }
  const { rows } = await owner.query<{ db: string }>("select current_database() as db");
  const statements = [
    `GRANT CONNECT ON DATABASE ${quoteIdent(rows[0]!.db)} TO ${role}`,
    `GRANT USAGE ON SCHEMA public TO ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${role}`,
    // The audit log: append and read, nothing else (and never TRUNCATE, REFERENCES or TRIGGER).
    `REVOKE ALL ON TABLE audit_event FROM ${role}`,
    `GRANT SELECT, INSERT ON TABLE audit_event TO ${role}`,
    // Its id sequence: nextval only (USAGE); UPDATE would allow setval, rewinding the ids.
    `REVOKE ALL ON SEQUENCE audit_event_id_seq FROM ${role}`,
    `GRANT USAGE ON SEQUENCE audit_event_id_seq TO ${role}`,
    // An incident's timeline, the same way: append and read.
    `REVOKE ALL ON TABLE incident_event FROM ${role}`,
    `GRANT SELECT, INSERT ON TABLE incident_event TO ${role}`,
    `REVOKE ALL ON SEQUENCE incident_event_id_seq FROM ${role}`,
    `GRANT USAGE ON SEQUENCE incident_event_id_seq TO ${role}`,
    // A finding's history, the same way.
    `REVOKE ALL ON TABLE finding_event FROM ${role}`,
    `GRANT SELECT, INSERT ON TABLE finding_event TO ${role}`,
    `REVOKE ALL ON SEQUENCE finding_event_id_seq FROM ${role}`,
    `GRANT USAGE ON SEQUENCE finding_event_id_seq TO ${role}`,
    // A signed-off review is frozen: append and read.
    `REVOKE ALL ON TABLE finding_review FROM ${role}`,
    `GRANT SELECT, INSERT ON TABLE finding_review TO ${role}`,
    // The over-broad credentials' trend: one point per sync, appended.
    `REVOKE ALL ON TABLE credential_breadth_point FROM ${role}`,
    `GRANT SELECT, INSERT ON TABLE credential_breadth_point TO ${role}`,
    // A cloud trust revocation keeps its plan and previous state: inserted, then only its
    // verification and its restore are recorded (lib/incidents/trust-actions-record.ts).
    `REVOKE ALL ON TABLE trust_revocation FROM ${role}`,
    `GRANT SELECT, INSERT ON TABLE trust_revocation TO ${role}`,
    `GRANT UPDATE (verified, verified_at, evidence, restored_at, restored_by, restore_evidence) ON TABLE trust_revocation TO ${role}`,
    // A pipeline containment keeps its plan and evidence: inserted and read, never changed
    // (lib/incidents/pipeline-contain.ts).
    `REVOKE ALL ON TABLE pipeline_containment FROM ${role}`,
    `GRANT SELECT, INSERT ON TABLE pipeline_containment TO ${role}`,
    // /api/health reports the migration level.
    `GRANT USAGE ON SCHEMA drizzle TO ${role}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA drizzle TO ${role}`,
    // pg-boss's own schema: the queue may create a partition per new queue, so the app keeps
    // CREATE there. Nothing in it is evidence; the audit log is not in it.
    `GRANT USAGE, CREATE ON SCHEMA ${JOB_SCHEMA} TO ${role}`,
    `GRANT ALL ON ALL TABLES IN SCHEMA ${JOB_SCHEMA} TO ${role}`,
    `GRANT ALL ON ALL SEQUENCES IN SCHEMA ${JOB_SCHEMA} TO ${role}`,
    `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${JOB_SCHEMA} TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${JOB_SCHEMA} GRANT ALL ON TABLES TO ${role}`,
  ];
  await owner.query("begin");
  try {
    for (const s of statements) await owner.query(s);
    await owner.query("commit");
  } catch (err) {
    await owner.query("rollback");
    throw err;
  }
}

export type RoleMode =
  /** The connected role owns the schema (or the database is empty): it migrates at start-up. */
  | "owner"
  /** The connected role is the app role of a two-role install: it never migrates. */
  | "app";

/**
 * Whether the connected role owns audit_event (directly or through role membership, which is
 * what ALTER TABLE checks). An empty database counts as "owner": the first start of a
 * single-role install creates the schema.
 */
export async function roleMode(client: pg.Client | pg.Pool): Promise<RoleMode> {
  const { rows } = await client.query<{ owns: boolean | null }>(
    `select pg_has_role(current_user, c.relowner, 'MEMBER') as owns
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relname = 'audit_event'`,
  );
  if (rows.length === 0) return "owner";
  return rows[0]!.owns ? "owner" : "app";
}
