import Link from "next/link";
import type { ReactNode } from "react";
import type { IncidentDetailDto, ScopeItemDto } from "@/lib/incidents/incident-dto";
import { Badge } from "@/components/ui/badge";
import { utc } from "./labels";

// The frozen scope, by kind, exposed first. Each kind is a disclosure with its counts in the
// summary: the workflows (and exposed secrets) open when short, the rest closed, so the
// checklist starts near the top of the screen.

const OPEN_UP_TO = 8;
const str = (v: unknown) => (typeof v === "string" && v ? v : null);
const exposedFirst = (rows: ScopeItemDto[]) => [...rows].sort((a, b) => Number(b.exposed) - Number(a.exposed));

const LIVE_STATE: Record<string, { text: string; tone: "green" | "amber" | "neutral" | "red" }> = {
  active: { text: "active", tone: "red" },
  disabled_manually: { text: "disabled", tone: "green" },
  disabled_inactivity: { text: "disabled (inactive)", tone: "green" },
  disabled_fork: { text: "disabled (fork)", tone: "green" },
  gone: { text: "gone from GitHub", tone: "neutral" },
};

function Group({ title, rows, render, open = false, wide = false }: { title: string; rows: ScopeItemDto[]; render: (r: ScopeItemDto) => ReactNode; open?: boolean; wide?: boolean }) {
  const exposed = rows.filter((r) => r.exposed).length;
  return (
    <details open={open && rows.length > 0 && rows.length <= OPEN_UP_TO} className={`rounded-md border border-slate-200 bg-white p-3 ${wide ? "xl:col-span-2" : ""}`} data-testid={`scope-${title.toLowerCase().replace(/\s+/g, "-")}`}>
      <summary className="cursor-pointer font-medium">
        {title} ({rows.length}){exposed > 0 ? <span className="ml-1 text-red-800">· {exposed} exposed</span> : null}
      </summary>
      {rows.length === 0 ? (
        <p className="mt-2 text-slate-600">None.</p>
      ) : (
        <ul className="mt-2 space-y-1.5">
          {exposedFirst(rows).map((r) => (
            <li key={r.key} className="break-words">
              {r.exposed ? (
                <>
                  <Badge tone="red">exposed</Badge>{" "}
                </>
              ) : null}
              {render(r)}
              {r.addedBy ? <span className="ml-1 text-xs text-slate-600">(added from drift by {r.addedBy})</span> : null}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

export function ScopeSection({ d, orgSlug }: { d: Pick<IncidentDetailDto, "scope" | "inventoryAt">; orgSlug: string }) {
  const s = d.scope;
  return (
    <section aria-labelledby="scope-heading" id="scope" className="scroll-mt-4">
      <h2 id="scope-heading" className="mb-2 text-lg font-semibold">
        Scope
      </h2>
      <p className="mb-3 text-sm text-slate-600">
        Frozen when the incident started, from the inventory of {d.inventoryAt ? d.inventoryAt.replace("T", " ").slice(0, 16) + " UTC" : "no finished sync"}. Later syncs never change it; new reach shows up as drift.
      </p>
      <div className="grid items-start gap-3 text-sm md:grid-cols-2 xl:grid-cols-3">
        <Group
          title="Workflows"
          rows={s.workflows}
          open
          wide
          render={(r) => {
            const live = LIVE_STATE[String(r.data.liveState)] ?? { text: String(r.data.liveState ?? "unknown"), tone: "neutral" as const };
            return (
              <>
                <Link href={`/orgs/${orgSlug}/workflows/${r.key}`} className="font-mono text-xs text-blue-800 underline">
                  {r.label}
                </Link>{" "}
                <Badge tone={live.tone}>
                  <span className="sr-only">now </span>
                  {live.text}
                </Badge>
                {typeof r.data.runsInWindow === "number" ? <span className="ml-1 text-xs text-slate-700">{r.data.runsInWindow} run(s) in the window</span> : null}
              </>
            );
          }}
        />
        <Group
          title="Secrets"
          rows={s.secrets}
          open={s.secrets.some((r) => r.exposed)}
          render={(r) => (
            <>
              <span className="font-mono text-xs font-medium">{r.label}</span> <span className="text-xs text-slate-600">{str(r.data.where) ?? ""}</span>
              {str(r.data.owner) ? <span className="text-xs text-slate-600"> · rotates: {str(r.data.owner)}</span> : null}
            </>
          )}
        />
        <Group
          title="Identities"
          rows={s.identities}
          render={(r) => (
            <>
              <span className="font-mono text-xs">{r.label}</span> {r.data.oidc === true ? <Badge tone="green">OIDC</Badge> : r.data.oidc === false ? <Badge tone="amber">static</Badge> : null}
            </>
          )}
        />
        <Group title="Systems" rows={s.systems} render={(r) => <span className="font-mono text-xs">{r.label}</span>} />
        <Group
          title="Deploy keys"
          rows={s.deployKeys}
          render={(r) => (
            <>
              <span>{r.label}</span> {r.data.readOnly === false ? <Badge tone="red">read-write</Badge> : <Badge>read-only</Badge>}
            </>
          )}
        />
        <Group
          title="Releases"
          rows={s.releases}
          open={s.releases.some((r) => r.exposed)}
          render={(r) => {
            const url = str(r.data.htmlUrl);
            return (
              <>
                {url?.startsWith("https://") ? (
                  <a href={url} className="font-mono text-xs text-blue-800 underline" rel="noreferrer">
                    {r.label}
                  </a>
                ) : (
                  <span className="font-mono text-xs">{r.label}</span>
                )}{" "}
                <span className="text-xs text-slate-600">created {utc(str(r.data.createdAt))}</span>
                {r.data.draft === true ? (
                  <>
                    {" "}
                    <Badge>draft</Badge>
                  </>
                ) : null}
              </>
            );
          }}
        />
        <Group
          title="Repositories"
          rows={s.repositories}
          render={(r) => (
            <>
              <span className="font-mono text-xs">{r.label}</span> {str(r.data.visibility) ? <span className="text-xs text-slate-600">{str(r.data.visibility)}</span> : null}
              {r.data.logReview || r.data.visibility === "public" ? (
                <>
                  {" "}
                  <Badge tone="amber">public: logs need review</Badge>
                </>
              ) : null}
            </>
          )}
        />
        <Group title="Owners" rows={s.owners} render={(r) => <span>{r.label}</span>} />
      </div>
    </section>
  );
}
