import type { FindingDto, ReviewDto } from "@/lib/findings/findings-dto";
import { FindingRow, type RowActions } from "./finding-row";

const SECTIONS = [
  { key: "new", title: "New", empty: "Nothing new since then." },
  { key: "regressed", title: "Regressed", hint: "fixed before, back now", empty: "Nothing came back." },
  { key: "expired", title: "Exceptions expired", hint: "accepted before, open again", empty: "No exception expired." },
  { key: "expiring", title: "Exceptions expiring within 14 days", empty: "No exception expires in the next 14 days." },
  { key: "fixed", title: "Fixed", empty: "Nothing was fixed." },
  { key: "open", title: "Still open", empty: "Nothing else is open." },
] as const;

type Key = (typeof SECTIONS)[number]["key"];

const ownerLabel = (o: string | null) => o ?? "No owner known";

/** The lists grouped by owner, in the order byOwner ranks them (most needing attention first); severity first within. */
function byOwner(list: FindingDto[], order: (string | null)[]): [string | null, FindingDto[]][] {
  const groups = new Map<string | null, FindingDto[]>();
  for (const f of list) groups.set(f.owner, [...(groups.get(f.owner) ?? []), f]);
  return [...groups.entries()].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
}

export function ReviewCounts({ review }: { review: ReviewDto }) {
  const c = review.counts;
  const cells: [string, number, string][] = [
    ["New", c.new, "text-red-800"],
    ["Regressed", c.regressed, "text-red-800"],
    ["Exceptions expired", c.expired, "text-amber-800"],
    ["Expiring in 14 days", c.expiring, "text-amber-800"],
    ["Fixed", c.fixed, "text-green-800"],
    ["Still open", c.open, "text-slate-900"],
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Review counts">
      {cells.map(([label, n, tone]) => (
        <div key={label} className="rounded-lg border border-slate-200 bg-white p-3" data-testid="review-count">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
          <dd className={`text-2xl font-semibold ${n > 0 ? tone : "text-slate-400"}`}>{n}</dd>
        </div>
      ))}
    </dl>
  );
}

export function OwnerTable({ review }: { review: ReviewDto }) {
  if (review.byOwner.length === 0) return null;
  return (
    <section aria-labelledby="owners-heading" className="rounded-lg border border-slate-200 bg-white">
      <h2 id="owners-heading" className="px-4 pt-3 font-semibold">
        By owner
      </h2>
      <div tabIndex={0} role="region" aria-label="Counts by owner (scrollable)" className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
            <tr>
              {["Owner", "New", "Regressed", "Expired", "Still open", "Expiring", "Fixed"].map((h) => (
                <th key={h} scope="col" className={`px-4 py-2 ${h === "Owner" ? "" : "text-right"}`}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {review.byOwner.map((o) => (
              <tr key={o.owner ?? ""} data-testid="review-owner">
                <th scope="row" className="px-4 py-1.5 text-left font-medium">
                  {ownerLabel(o.owner)}
                </th>
                {[o.counts.new, o.counts.regressed, o.counts.expired, o.counts.open, o.counts.expiring, o.counts.fixed].map((n, i) => (
                  <td key={i} className={`px-4 py-1.5 text-right tabular-nums ${n === 0 ? "text-slate-400" : ""}`}>
                    {n}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Each list of the review, grouped by owner, severity first. `actions` null: a signed-off review (read-only). */
export function ReviewLists({ review, orgSlug, actions }: { review: ReviewDto; orgSlug: string; actions: RowActions | null }) {
  const order = review.byOwner.map((o) => o.owner);
  return (
    <div className="space-y-4">
      {SECTIONS.map((s) => {
        const list = review[s.key as Key];
        const total = s.key === "open" ? review.counts.open : list.length;
        return (
          <section key={s.key} aria-labelledby={`review-${s.key}`} data-testid={`review-${s.key}`} className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id={`review-${s.key}`} className="font-semibold">
              {s.title} ({total}){"hint" in s ? <span className="ml-2 text-sm font-normal text-slate-600">{s.hint}</span> : null}
            </h2>
            {list.length === 0 ? <p className="mt-1 text-sm text-slate-600">{s.empty}</p> : null}
            {byOwner(list, order).map(([owner, findings]) => (
              <div key={owner ?? ""} className="mt-3">
                <h3 className="text-sm font-medium text-slate-700">
                  {ownerLabel(owner)} ({findings.length})
                </h3>
                <ul className="divide-y divide-slate-100">
                  {findings.map((f) => (
                    <FindingRow key={f.id} f={f} orgSlug={orgSlug} actions={actions} />
                  ))}
                </ul>
              </div>
            ))}
            {s.key === "open" && review.openTruncated ? <p className="mt-2 text-sm text-slate-600">The worst {list.length} of {total} are listed.</p> : null}
          </section>
        );
      })}
    </div>
  );
}
