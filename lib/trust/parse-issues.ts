import type { z } from "zod";

// Turns zod issues into "which field, what is wrong" sentences for a policy file.

export class PolicyError extends Error {}

/** `RoleDetailList[3].AssumeRolePolicyDocument.Statement[0].Effect` */
export function fieldPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "(top level)" : out;
}

export function describeIssues(error: z.ZodError, prefix = ""): string {
  const shown = error.issues.slice(0, 3).map((i) => `${fieldPath(i.path, prefix)}: ${i.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : "";
  return shown.join("; ") + more;
}

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new PolicyError(describeIssues(r.error, prefix));
  return r.data;
}
