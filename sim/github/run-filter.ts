import type { WorkflowRunData } from "../fixtures/model";
import { validationFailed } from "./router";

// The query filters of GitHub's workflow-runs lists. `created` takes GitHub's date syntax:
// `2025-03-14` (that day), `>=X`, `>X`, `<=X`, `<X`, `X..Y`, `X..*`, `*..Y`, where X is a date
// (a whole day, UTC) or a date-time. Runs are newest first, ties by id, so pages never overlap.

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** First and last millisecond a bound covers (a date covers its whole UTC day). */
function span(text: string): [number, number] {
  const at = Date.parse(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(at)) throw validationFailed(`Invalid request.\n\n"created" has an invalid date: ${text}`);
  return DATE_ONLY.test(text) ? [at, at + DAY_MS - 1] : [at, at];
}

/** The inclusive [from, to] range (ms) of a `created` value. */
export function createdRange(value: string): [number, number] {
  const v = value.trim();
  const range = /^(.+?)\.\.(.+)$/.exec(v);
  if (range) {
    const from = range[1] === "*" ? -Infinity : span(range[1]!)[0];
    const to = range[2] === "*" ? Infinity : span(range[2]!)[1];
    return [from, to];
  }
  const cmp = /^(>=|<=|>|<)(.+)$/.exec(v);
  if (cmp) {
    const [first, last] = span(cmp[2]!);
    if (cmp[1] === ">=") return [first, Infinity];
    if (cmp[1] === ">") return [last + 1, Infinity];
    if (cmp[1] === "<=") return [-Infinity, last];
    return [-Infinity, first - 1];
  }
  return span(v);
}

export function filterRuns(query: URLSearchParams, runs: WorkflowRunData[]): WorkflowRunData[] {
  const status = query.get("status");
  const event = query.get("event");
  const branch = query.get("branch");
  const created = query.get("created");
  const [from, to] = created ? createdRange(created) : [-Infinity, Infinity];
  return runs
    .filter((r) => !status || r.status === status || r.conclusion === status)
    .filter((r) => !event || r.event === event)
    .filter((r) => !branch || r.headBranch === branch)
    .filter((r) => {
      const at = Date.parse(r.createdAt);
      return at >= from && at <= to;
    })
    .sort((a, b) => (a.createdAt === b.createdAt ? b.id - a.id : a.createdAt < b.createdAt ? 1 : -1));
}
