import Link from "next/link";
import type { ReviewSummaryDto } from "@/lib/findings/findings-dto";
import { utc } from "@/components/incidents/labels";
import { orgApiPath } from "@/components/api/client";

/** Signed-off reviews, newest first: each readable as it was, and as Markdown or CSV. */
export function PastReviews({ orgSlug, reviews }: { orgSlug: string; reviews: ReviewSummaryDto[] }) {
  return (
    <section aria-labelledby="past-reviews-heading" className="rounded-lg border border-slate-200 bg-white">
      <h2 id="past-reviews-heading" className="px-4 pt-3 font-semibold">
        Past reviews
      </h2>
      {reviews.length === 0 ? (
        <p className="px-4 pb-3 pt-1 text-sm text-slate-600">None signed off yet: the first sign-off becomes the baseline of the next review.</p>
      ) : (
        <div tabIndex={0} role="region" aria-label="Past reviews (scrollable)" className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2">Review</th>
                <th scope="col" className="px-4 py-2">Signed off</th>
                <th scope="col" className="px-4 py-2">New · regressed · expired · fixed · open</th>
                <th scope="col" className="px-4 py-2">Note</th>
                <th scope="col" className="px-4 py-2">Report</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {reviews.map((r) => (
                <tr key={r.id} data-testid="past-review">
                  <td className="whitespace-nowrap px-4 py-2">
                    <Link href={`/orgs/${orgSlug}/review/${r.id}`} className="font-medium text-blue-800 underline">
                      #{r.number}
                    </Link>
                  </td>
                  <td className="whitespace-nowrap px-4 py-2">
                    {utc(r.until)}
                    <div className="text-xs text-slate-600">{r.signedOffBy}</div>
                  </td>
                  <td className="whitespace-nowrap px-4 py-2 tabular-nums">
                    {r.counts.new} · {r.counts.regressed} · {r.counts.expired} · {r.counts.fixed} · {r.counts.open}
                  </td>
                  <td className="max-w-md px-4 py-2">{r.note.length > 160 ? `${r.note.slice(0, 160)}…` : r.note}</td>
                  <td className="whitespace-nowrap px-4 py-2">
                    <a href={`${orgApiPath(orgSlug, "reviews", r.id)}?format=md`} className="text-blue-800 underline">
                      Markdown
                    </a>{" "}
                    ·{" "}
                    <a href={`${orgApiPath(orgSlug, "reviews", r.id)}?format=csv`} className="text-blue-800 underline">
                      CSV
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
