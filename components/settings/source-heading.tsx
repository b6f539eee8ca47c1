import { Badge } from "@/components/ui/badge";

// The first line of a connected source in Settings (Cloud trust, Pipelines): its name, what it
// is, whether its last read worked, and whether Gatehouse may write through it in an incident.

type Status = "ok" | "failed" | "never";
type From = "stored" | "environment" | "none";

const STATUS: Record<Status, { tone: "green" | "red" | "neutral"; text: string }> = { ok: { tone: "green", text: "read ok" }, failed: { tone: "red", text: "read failed" }, never: { tone: "neutral", text: "not read yet" } };

/** When a source was read, in UTC to the minute; "never" before its first read. */
export const readTime = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "never");

export function SourceHeading({ name, kind, status, responderFrom }: { name: string; kind: string; status: Status; responderFrom: From }) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <span className="font-medium">{name}</span>
      <Badge tone="blue">{kind}</Badge>
      <Badge tone={STATUS[status].tone}>{STATUS[status].text}</Badge>
      <span data-testid="write-access" className={responderFrom === "none" ? "text-slate-600" : "font-medium text-green-800"}>
        write access: {responderFrom === "none" ? "no" : `yes (${responderFrom === "environment" ? "server's responder variables" : "stored encrypted"})`}
      </span>
    </div>
  );
}
