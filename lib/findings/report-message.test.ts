import { describe, expect, it } from "vitest";
import { MESSAGE_TOP, reportMessage } from "./report-message";
import type { FindingDto, ReviewDto } from "./findings-dto";

const f = (i: number, over: Partial<FindingDto> = {}): FindingDto => ({
  id: `f${i}`, fingerprint: `fp${i}`, rule: "unpinned-action", severity: "high", repo: "acme/api", path: ".github/workflows/ci.yml", line: i, job: "build",
  message: `Action pinned to a tag ${i}.`, state: "open", owner: "@acme/platform", assignee: null, ...over,
});
const review = (over: Partial<ReviewDto>): ReviewDto =>
  ({
    since: "2026-11-30T08:00:00.000Z", until: "2026-12-07T08:00:00.000Z", baseline: null,
    counts: { new: 0, fixed: 0, regressed: 0, expiring: 0, expired: 0, open: 0 },
    new: [], fixed: [], regressed: [], expiring: [], expired: [], open: [], openTruncated: false, byOwner: [], ...over,
  }) as ReviewDto;

describe("reportMessage", () => {
  it("gives the counts, the top new and regressed findings and the link", () => {
    const fresh = Array.from({ length: MESSAGE_TOP + 2 }, (_, i) => f(i));
    const { text } = reportMessage(review({ counts: { new: 7, fixed: 2, regressed: 1, expiring: 1, expired: 0, open: 40 }, new: fresh, regressed: [f(99, { severity: "critical", rule: "pwn-request", message: "Checks out the PR head." })] }), {
      orgSlug: "acme", heading: "Review #3, signed off by lead@acme.test", note: "Ops owns the unpinned actions.", path: "/orgs/acme/review/r3", baseUrl: "https://gh.example/",
    });
    expect(text).toContain("*Weekly review of CI credentials — acme*");
    expect(text).toContain("Review #3, signed off by lead@acme.test · 2026-11-30 08:00 UTC → 2026-12-07 08:00 UTC");
    expect(text).toContain("> Ops owns the unpinned actions.");
    expect(text).toContain("7 new findings, 1 regression, 0 expired exceptions need an owner. 2 findings fixed; 40 findings still open; 1 exception expiring within 14 days.");
    expect(text).toContain("*New (7)*");
    expect(text.match(/Action pinned to a tag/g)).toHaveLength(MESSAGE_TOP);
    expect(text).toContain("…and 2 more");
    expect(text).toContain("*Regressed (1)*\n• *critical* pwn-request — acme/api `.github/workflows/ci.yml`");
    expect(text).not.toContain("Exceptions expired");
    expect(text.endsWith("<https://gh.example/orgs/acme/review/r3|Open the review in Gatehouse>")).toBe(true);
  });

  it("escapes text from workflow files so it cannot ping or link", () => {
    const { text } = reportMessage(review({ counts: { new: 1, fixed: 0, regressed: 0, expiring: 0, expired: 0, open: 0 }, new: [f(1, { message: "<!channel> see <https://evil|here> & more", owner: "<@U123>" })] }), {
      orgSlug: "acme", heading: "h", path: "/orgs/acme/review",
    });
    expect(text).toContain("&lt;!channel&gt; see &lt;https://evil|here&gt; &amp; more (&lt;@U123&gt;)");
    expect(text).not.toContain("<!channel>");
  });

  it("says a quiet week plainly", () => {
    const { text } = reportMessage(review({ counts: { new: 0, fixed: 3, regressed: 0, expiring: 0, expired: 0, open: 12 } }), { orgSlug: "acme", heading: "h", path: "/orgs/acme/review" });
    expect(text.endsWith("Open /orgs/acme/review in Gatehouse.")).toBe(true);
    expect(text).toContain("Nothing new, nothing came back, no exception ran out. 3 findings fixed; 12 findings still open.");
  });
});
