import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { findings, memberships } from "@/lib/db/schema";
import type { TriageState } from "@/lib/db/schema/findings";
import { auditEntry } from "@/lib/audit/define-event";
import type { AnyUseCase, UseCase } from "@/lib/door/use-case";
import { AppError, conflict, notFound } from "@/lib/http/errors";
import { FindingTriaged } from "./findings-audit";
import { TriageFindingSchema, ASSIGNEE_HANDLE } from "./findings-schema";
import { findingEventData, findingRow, toFindingDetailDto } from "./findings-repo";
import { coveringExceptions } from "./exceptions-repo";
import { appendFindingEvents } from "./history";
import type { FindingDetailDto } from "./findings-dto";
import { grantException, revokeException } from "./exceptions-service";
import { signOffReview } from "./review-service";

/** An assignee is one of the org's members (by email) or an owner handle; anything else is refused with what to give. */
async function checkAssignee(tx: Db, orgId: string, assignee: string): Promise<string> {
  if (assignee.startsWith("@")) {
    if (!ASSIGNEE_HANDLE.test(assignee)) throw new AppError("invalid_input", "Check assignee: an owner handle looks like @acme/platform or @octocat.", { assignee: "is not an owner handle" });
    return assignee;
  }
  const email = assignee.toLowerCase();
  const [member] = await tx.select({ id: memberships.id }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.email, email))).limit(1);
  if (!member) throw new AppError("invalid_input", `Check assignee: ${email} is not a member of this organisation. Assign a member, or an owner handle such as @acme/platform.`, { assignee: "is not a member" });
  return email;
}

/**
 * Triage (responders): acknowledge a finding — someone is on it — or set it back to open,
 * assign it, add a note. Acknowledging needs an assignee: the one given, the one it has, or its
 * owner. A fixed finding has nothing to triage. Appends a `triaged` event and is audited.
 */
export const triageFinding: UseCase<typeof TriageFindingSchema, FindingDetailDto> = {
  action: FindingTriaged.action,
  permission: "finding.triage",
  input: TriageFindingSchema,
  async run({ tx, actor, input, audit }) {
    const row = await findingRow(tx, actor.orgId, input.findingId);
    if (!row) throw notFound("Finding");
    if (row.fixedAt) throw conflict(`This finding was fixed at ${row.fixedAt.toISOString()}: there is nothing to triage. If it comes back, it shows as regressed.`);
    const now = new Date();
    const who = actor.user.email;
    const changes: ("state" | "assignee" | "note")[] = [];
    let assignee = row.assignee;
    if (input.assignee !== undefined) {
      const next = input.assignee ? await checkAssignee(tx, actor.orgId, input.assignee) : null;
      if (next !== row.assignee) {
        assignee = next;
        changes.push("assignee");
      }
    }
    let state: TriageState = row.triageState;
    if (input.state !== undefined) {
      // Setting a state is a person's decision even when it is the stored one: a regressed
      // finding acknowledged again is triaged again (state.ts compares triagedAt with regressedAt).
      state = input.state;
      if (state === "acknowledged" && !assignee) {
        if (!row.owner) throw new AppError("invalid_input", "Say who is on it: acknowledging needs an assignee (a member's email or an owner handle), and this finding has no known owner.", { assignee: "is required to acknowledge" });
        assignee = row.owner;
        changes.push("assignee");
      }
      changes.push("state");
    }
    if (input.note) changes.push("note");
    if (changes.length === 0) throw new AppError("invalid_input", "Nothing to change: give a state (open or acknowledged), an assignee or a note.");
    const set: Partial<typeof findings.$inferInsert> = { assignee };
    if (changes.includes("state")) Object.assign(set, { triageState: state, triagedAt: now, triagedBy: who });
    await tx.update(findings).set(set).where(and(eq(findings.orgId, actor.orgId), eq(findings.id, row.id)));
    await appendFindingEvents(tx, [
      {
        orgId: actor.orgId,
        findingId: row.id,
        fingerprint: row.fingerprint,
        type: "triaged",
        at: now,
        actor: who,
        data: { ...findingEventData(row), triage: { state, assignee, note: input.note ?? null } },
      },
    ]);
    await audit(auditEntry(FindingTriaged, { id: row.id, label: `${row.rule} in ${row.repo}/${row.path}` }, { rule: row.rule, repo: row.repo, changes, state, assignee }));
    const updated = { ...row, ...set } as typeof row;
    const covering = await coveringExceptions(tx, actor.orgId, now, [row.id]);
    return toFindingDetailDto(updated, covering.get(row.id), now);
  },
};

export const FINDING_USE_CASES: readonly AnyUseCase[] = [triageFinding, grantException, revokeException, signOffReview];
