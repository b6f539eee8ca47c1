import Link from "next/link";
import type { GoneJobDto, GoneWorkflowDto } from "@/lib/inventory/gone-repo";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";

/** "2031-03-01 14:00 UTC" from an ISO instant. */
export const utcMinute = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

const file = (path: string) => <span className="font-mono">{path}</span>;

/** When it went and the last sync that still had it. */
export function GoneWhen({ removedAt, lastSeenAt }: { removedAt: string; lastSeenAt: string | null }) {
  return (
    <>
      at the sync of <time dateTime={removedAt} className="whitespace-nowrap">{utcMinute(removedAt)}</time>
      {lastSeenAt ? (
        <>
          {" "}
          (last seen at the sync of{" "}
          <time dateTime={lastSeenAt} className="whitespace-nowrap">
            {utcMinute(lastSeenAt)}
          </time>
          )
        </>
      ) : null}
    </>
  );
}

/** What the old address of a workflow that left its repository shows: deleted, or moved (with a link). */
export function WorkflowGone({ gone, job, orgSlug }: { gone: GoneWorkflowDto; job: GoneJobDto | null; orgSlug: string }) {
  const base = `/orgs/${orgSlug}`;
  const moved = gone.movedTo;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`${base}/workflows`} className="text-blue-800 underline">
          Workflows
        </Link>{" "}
        / {gone.repository}
      </p>
      <PageHeader
        title={moved ? "This workflow moved" : "This workflow was deleted"}
        description={
          <>
            {gone.name ? `${gone.name} · ` : ""}
            <span className="font-mono">
              {gone.repository}/{gone.path}
            </span>
          </>
        }
      />
      <div className="max-w-3xl space-y-3 text-sm" data-testid="workflow-gone">
        {moved ? (
          <p>
            This workflow was moved to {file(moved.path)} in {gone.repository} <GoneWhen removedAt={gone.removedAt} lastSeenAt={gone.lastSeenAt} />: the same file
            appeared at the new path as the old one disappeared.
            {moved.gone ? " That file has since left the repository too." : ""}
          </p>
        ) : (
          <p>
            This workflow was deleted from {gone.repository} <GoneWhen removedAt={gone.removedAt} lastSeenAt={gone.lastSeenAt} />. Its jobs, credentials and findings are no
            longer in the inventory.
          </p>
        )}
        {job ? (
          <p>
            Its job <span className="font-mono">{job.jobKey}</span> went with it.
          </p>
        ) : null}
        {moved?.id ? (
          <p>
            <Link href={`${base}/workflows/${moved.id}`} className="font-medium text-blue-800 underline" data-testid="moved-to">
              Open {moved.path}
            </Link>
          </p>
        ) : null}
        {!moved ? (
          <Alert tone="info">
            Renamed it? A rename is recognised when the same content appears at another path in the same push; a file edited and moved at once shows as deleted here and
            new at its path. Find it in{" "}
            <Link href={`${base}/workflows?q=${encodeURIComponent(gone.repository)}`} className="underline">
              the workflows of {gone.repository}
            </Link>
            .
          </Alert>
        ) : null}
      </div>
    </>
  );
}
