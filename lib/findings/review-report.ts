// A signed-off review as a document: Markdown to paste into a ticket or an email, CSV for a
// spreadsheet. Pure. Cells hold text from workflow files (messages, paths, owners), which anyone
// who can push controls: every one goes through the export's escaping (lib/inventory/export-format.ts).
import { csvCell, mdCell } from "@/lib/inventory/export-format";
import type { FindingDto, SignedReviewDto } from "./findings-dto";

const when = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;
const day = (iso: string) => iso.slice(0, 10);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const SECTIONS: { key: "new" | "regressed" | "expired" | "expiring" | "fixed" | "open"; title: string; empty: string }[] = [
  { key: "new", title: "New", empty: "Nothing new." },
  { key: "regressed", title: "Regressed (fixed before, back now)", empty: "Nothing came back." },
  { key: "expired", title: "Exceptions expired (open again)", empty: "No exception expired." },
  { key: "expiring", title: "Exceptions expiring within 14 days", empty: "No exception expires in the next 14 days." },
  { key: "fixed", title: "Fixed", empty: "Nothing was fixed." },
  { key: "open", title: "Still open", empty: "Nothing else is open." },
];

function findingLine(f: FindingDto, key: (typeof SECTIONS)[number]["key"]): string {
  // A finding about a repository's settings has no file.
  const file = f.path ? ` \`${f.path.replace(/`/g, "'")}${f.line > 0 ? `:${f.line}` : ""}\`` : "";
  const where = `${mdCell(f.repo)}${file}${f.job ? ` (job ${mdCell(f.job)})` : ""}`;
  const who = [f.owner ? `Owner ${mdCell(f.owner)}` : "No owner known", f.assignee ? `assigned to ${mdCell(f.assignee)}` : null].filter(Boolean).join(", ");
  const e = f.exception;
  const exception = !e
    ? ""
    : e.status === "expired"
      ? ` Its exception (${mdCell(e.approvedBy)}: “${mdCell(e.reason)}”) expired ${day(e.expiresAt)}.`
      : ` Accepted until ${day(e.expiresAt)} by ${mdCell(e.approvedBy)}: “${mdCell(e.reason)}”.`;
  const state = (key === "open" || key === "new") && f.state !== "open" ? ` _(${f.state})_` : "";
  return `- **${f.severity}** ${mdCell(f.rule)}${state} — ${where}: ${mdCell(f.message.replace(/\.$/, ""))}. ${who}.${exception}`;
}

export function reviewMarkdown(r: SignedReviewDto, orgSlug: string): string {
  const c = r.counts;
  const out: string[] = [];
  out.push(`# Weekly review of CI credentials — ${mdCell(orgSlug)}, #${r.number}`, "");
  out.push(`Signed off by ${mdCell(r.signedOffBy)} on ${when(r.signedOffAt)}, covering ${when(r.since)} → ${when(r.until)}.`, "");
  out.push(...r.note.split(/\r?\n/).map((l) => `> ${l}`), "");
  out.push("## Summary", "");
  out.push(
    `- ${plural(c.new, "new finding")}, ${plural(c.regressed, "regression")}, ${plural(c.expired, "expired exception")} put back on someone's desk.`,
    `- ${plural(c.fixed, "finding")} fixed.`,
    `- ${plural(c.expiring, "accepted finding")} whose exception expires within 14 days.`,
    `- ${plural(c.open, "finding")} still open from before${r.openTruncated ? ` (the worst ${r.open.length} are listed)` : ""}.`,
    "",
  );
  if (r.byOwner.length > 0) {
    out.push("## By owner", "", "| Owner | New | Regressed | Expired | Still open | Expiring | Fixed |", "|---|---:|---:|---:|---:|---:|---:|");
    for (const o of r.byOwner) out.push(`| ${o.owner ? mdCell(o.owner) : "_no owner known_"} | ${o.counts.new} | ${o.counts.regressed} | ${o.counts.expired} | ${o.counts.open} | ${o.counts.expiring} | ${o.counts.fixed} |`);
    out.push("");
  }
  for (const s of SECTIONS) {
    const list = r[s.key];
    out.push(`## ${s.title} (${s.key === "open" ? c.open : list.length})`, "");
    if (list.length === 0) out.push(s.empty);
    for (const f of list) out.push(findingLine(f, s.key));
    out.push("");
  }
  out.push(`_Gatehouse review ${r.id}. Severity first; each finding is stable across line moves and renames within its repository._`, "");
  return out.join("\n");
}

const CSV_HEADER = ["list", "severity", "rule", "repository", "path", "line", "job", "state", "owner", "assignee", "exception_expires", "exception_reason", "message", "finding_id"];

export function reviewCsv(r: SignedReviewDto): string {
  const row = (cells: (string | number | null)[]) => `${cells.map((v) => csvCell(v === null ? "" : String(v))).join(",")}\r\n`;
  let out = row(CSV_HEADER);
  for (const s of SECTIONS) {
    for (const f of r[s.key]) {
      out += row([s.key, f.severity, f.rule, f.repo, f.path, f.line, f.job, f.state, f.owner, f.assignee, f.exception ? day(f.exception.expiresAt) : null, f.exception?.reason ?? null, f.message, f.id]);
    }
  }
  return out;
}
