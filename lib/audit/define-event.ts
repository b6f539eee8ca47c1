import { z } from "zod";

/**
 * An audit event type: its action name and the schema its metadata must satisfy. Each
 * domain defines its own events beside its service (no central god enum); recordAudit
 * validates the metadata, so a malformed event fails its transaction instead of being
 * written half-described.
 */
export interface AuditEventType<M extends z.ZodType> {
  action: string;
  metadata: M;
  targetType: string;
}

export function defineAuditEvent<M extends z.ZodType>(action: string, targetType: string, metadata: M): AuditEventType<M> {
  return { action, targetType, metadata };
}

export interface AuditEntry {
  action: string;
  outcome: "success" | "denied" | "failure";
  targetType?: string;
  targetId?: string;
  targetLabel?: string;
  metadata: Record<string, unknown>;
}

export function auditEntry<M extends z.ZodType>(
  type: AuditEventType<M>,
  target: { id: string; label?: string },
  metadata: z.input<M>,
): AuditEntry {
  return {
    action: type.action,
    outcome: "success",
    targetType: type.targetType,
    targetId: target.id,
    targetLabel: target.label,
    metadata: type.metadata.parse(metadata) as Record<string, unknown>,
  };
}

/**
 * A denied row's metadata: why (`reason`), the permission the attempt needed, the refusal's
 * own details (the foreign Origin, the installation), and `suppressed`: how many denials of
 * the same actor the rate limit left unrecorded in their previous window.
 */
export const DenialMetadataSchema = z.object({
  reason: z.enum(["permission", "not_member", "cross_site", "foreign_installation", "rate_limited"]),
  permission: z.string().optional(),
  details: z.record(z.string(), z.union([z.string().max(300), z.number(), z.null()])).optional(),
  suppressed: z.number().int().positive().optional(),
});
