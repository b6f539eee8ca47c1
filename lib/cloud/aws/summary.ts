// One line per statement of a permissions policy, for people: `s3:PutObject, s3:DeleteObject on
// arn:aws:s3:::site/*`. A summary, not an evaluation: conditions are named, not decided.

type Json = Record<string, unknown>;

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function conditions(c: unknown): string {
  if (typeof c !== "object" || c === null) return "";
  const parts = Object.entries(c as Json).flatMap(([op, keys]) =>
    typeof keys === "object" && keys !== null ? Object.entries(keys as Json).map(([k, v]) => `${k} ${op} ${list(v).join("|")}`) : [],
  );
  return parts.length === 0 ? "" : ` when ${parts.join(" and ")}`;
}

/** IAM sends policy documents URL-encoded; the SDK hands them on as received. */
export function decodePolicy(raw: string): unknown {
  return JSON.parse(raw.trimStart().startsWith("{") ? raw : decodeURIComponent(raw));
}

export function summarisePolicy(document: unknown): string[] {
  const statements = typeof document === "object" && document !== null ? (document as Json).Statement : undefined;
  return (Array.isArray(statements) ? statements : statements === undefined ? [] : [statements]).map((raw) => {
    const s = (typeof raw === "object" && raw !== null ? raw : {}) as Json;
    const actions = s.NotAction !== undefined ? `everything but ${list(s.NotAction).join(", ")}` : list(s.Action).join(", ");
    const resources = s.NotResource !== undefined ? `everything but ${list(s.NotResource).join(", ")}` : list(s.Resource).join(", ");
    return `${s.Effect === "Deny" ? "deny " : ""}${actions} on ${resources}${conditions(s.Condition)}`;
  });
}
