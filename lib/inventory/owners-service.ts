import "server-only";
import type { AnyUseCase, UseCase } from "@/lib/door/use-case";
import { auditEntry } from "@/lib/audit/define-event";
import { AppError, conflict, notFound } from "@/lib/http/errors";
import { ClearOwnerSchema, SetOwnerSchema } from "./credentials-schema";
import { OwnerOverridden, OwnerOverrideCleared } from "./owners-audit";
import type { OwnerOverrideDto } from "./credentials-dto";
import { deleteOverride, findOverride, findOverrideTarget, upsertOverride, type OverrideTarget } from "./owners-repo";

type TargetInput = { targetType: "repository" | "workflow"; repoId: string; workflowPath?: string };

async function loadTarget(tx: Parameters<typeof findOverrideTarget>[0], orgId: string, input: TargetInput): Promise<OverrideTarget> {
  if (input.targetType === "workflow" && !input.workflowPath) {
    throw new AppError("invalid_input", "Check workflowPath: name the workflow whose owner to set", { workflowPath: "required for a workflow" });
  }
  const target = await findOverrideTarget(tx, orgId, input.repoId, input.targetType === "workflow" ? input.workflowPath! : null);
  if (!target) throw notFound(input.targetType === "workflow" ? "Workflow" : "Repository");
  return target;
}

const label = (t: OverrideTarget) => (t.workflowPath ? `${t.fullName}/${t.workflowPath}` : t.fullName);

/**
 * Sets the owner of a repository or a workflow by hand. Stored apart from the inventory
 * (owner_override), so a re-sync never overwrites it; every reader applies it.
 */
export const setOwner: UseCase<typeof SetOwnerSchema, OwnerOverrideDto> = {
  action: OwnerOverridden.action,
  permission: "owner.override",
  input: SetOwnerSchema,
  async run({ tx, actor, input, audit }) {
    const target = await loadTarget(tx, actor.orgId, input);
    const existing = await findOverride(tx, actor.orgId, input.targetType, target.key);
    const from = existing?.owner ?? target.syncedOwner;
    if (existing?.owner === input.owner) throw conflict(`${label(target)} is already owned by ${input.owner}.`);
    await upsertOverride(tx, actor.orgId, input.targetType, target.key, input.owner, actor.user.email, new Date());
    await audit(
      auditEntry(OwnerOverridden, { id: target.key, label: label(target) }, {
        targetType: input.targetType,
        repository: target.fullName,
        workflowPath: target.workflowPath,
        from,
        to: input.owner,
      }),
    );
    return { targetType: input.targetType, repository: target.fullName, workflowPath: target.workflowPath, owner: input.owner, ownerSource: "manual" };
  },
};

/** Removes a hand-set owner: the owner the sync derives (CODEOWNERS, property, admin team) applies again. */
export const clearOwner: UseCase<typeof ClearOwnerSchema, OwnerOverrideDto> = {
  action: OwnerOverrideCleared.action,
  permission: "owner.override",
  input: ClearOwnerSchema,
  async run({ tx, actor, input, audit }) {
    const target = await loadTarget(tx, actor.orgId, input);
    const existing = await findOverride(tx, actor.orgId, input.targetType, target.key);
    if (!existing) throw conflict(`${label(target)} has no owner set by hand.`);
    await deleteOverride(tx, actor.orgId, input.targetType, target.key);
    await audit(
      auditEntry(OwnerOverrideCleared, { id: target.key, label: label(target) }, {
        targetType: input.targetType,
        repository: target.fullName,
        workflowPath: target.workflowPath,
        from: existing.owner,
        to: target.syncedOwner,
      }),
    );
    return { targetType: input.targetType, repository: target.fullName, workflowPath: target.workflowPath, owner: target.syncedOwner, ownerSource: target.syncedSource };
  },
};

/** Every write use-case, for the authorisation matrix test. */
export const OWNER_USE_CASES: readonly AnyUseCase[] = [setOwner, clearOwner];
