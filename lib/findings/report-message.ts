// The weekly report as a Slack-compatible incoming-webhook message (mrkdwn): the counts, the
// worst new and regressed findings, the expired exceptions, and a link to the review. Pure.
// Text from workflow files (rules' messages, paths, owners) is escaped for mrkdwn (&, <, >), so
// a file cannot ping @channel or forge a link.
import type { FindingDto, ReviewDto } from "./findings-dto";

/** How many of each list the message names; the rest is behind the link. */
export const MESSAGE_TOP = 5;

export const mrkdwn = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const when = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

function line(f: FindingDto): string {
  const where = `${f.repo}${f.path ? ` \`${f.path.replace(/`/g, "'")}\`` : ""}`;
  return `• *${f.severity}* ${mrkdwn(f.rule)} — ${mrkdwn(where)}: ${mrkdwn(f.message.replace(/\.$/, ""))} (${f.owner ? mrkdwn(f.owner) : "no owner known"})`;
}

function section(title: string, list: FindingDto[]): string[] {
  if (list.length === 0) return [];
  const more = list.length > MESSAGE_TOP ? [`…and ${list.length - MESSAGE_TOP} more`] : [];
  return ["", `*${title} (${list.length})*`, ...list.slice(0, MESSAGE_TOP).map(line), ...more];
}

export interface ReportMessageContext {
  orgSlug: string;
  /** What this is: "Review #3, signed off by lead@acme.test", "This week's review (not signed off yet)". */
  heading: string;
  /** The reviewer's note, when signed off. */
  note?: string;
  /** The review's path (/orgs/acme/review…) and Gatehouse's address (AUTH_URL), when known, to make it a link. */
  path: string;
  baseUrl?: string;
}

/** `{ text }`, the body every Slack-compatible incoming webhook accepts. */
export function reportMessage(r: ReviewDto, ctx: ReportMessageContext): { text: string } {
  const c = r.counts;
  const attention = c.new + c.regressed + c.expired;
  const out = [
    `*Weekly review of CI credentials — ${mrkdwn(ctx.orgSlug)}*`,
    `${mrkdwn(ctx.heading)} · ${when(r.since)} → ${when(r.until)}`,
    ...(ctx.note ? ctx.note.split(/\r?\n/).map((l) => `> ${mrkdwn(l)}`) : []),
    "",
    attention === 0
      ? `Nothing new, nothing came back, no exception ran out. ${plural(c.fixed, "finding")} fixed; ${plural(c.open, "finding")} still open.`
      : `${plural(c.new, "new finding")}, ${plural(c.regressed, "regression")}, ${plural(c.expired, "expired exception")} need an owner. ${plural(c.fixed, "finding")} fixed; ${plural(c.open, "finding")} still open; ${plural(c.expiring, "exception")} expiring within 14 days.`,
    ...section("New", r.new),
    ...section("Regressed", r.regressed),
    ...section("Exceptions expired", r.expired),
    "",
    ctx.baseUrl ? `<${ctx.baseUrl.replace(/\/$/, "")}${ctx.path}|Open the review in Gatehouse>` : `Open ${ctx.path} in Gatehouse.`,
  ];
  return { text: out.join("\n") };
}
