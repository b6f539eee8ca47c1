import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { can } from "@/lib/authz/actor";
import { githubSettingsView } from "@/lib/connections/settings-view";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ConnectPanel } from "@/components/github/connect-panel";
import { DisconnectButton } from "@/components/github/disconnect-button";
import { SyncPanel } from "@/components/github/sync-panel";

export const metadata: Metadata = { title: "GitHub" };

export default async function GithubSettingsPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "connection.manage");
  const { db } = await getDatabase();
  const view = await githubSettingsView(db, actor.orgId, actor.orgSlug);
  return (
    <>
      <PageHeader
        title="GitHub"
        description="How Gatehouse reads this organisation: a GitHub App with read-only permissions, its tokens minted just in time and kept in memory only. The App's private key and webhook secret come from the server's environment, never from this page."
      />
      <div className="space-y-6">
        <section aria-labelledby="creds-heading" className="rounded-lg border border-slate-200 bg-white p-5 text-sm">
          <h2 id="creds-heading" className="font-semibold">
            Credentials on this server
          </h2>
          {view.mode === "none" ? (
            <div className="mt-3">
              <Alert>
                No GitHub credentials are configured. Create a GitHub App with the read permissions listed in the README, then set
                GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY_FILE (and GITHUB_WEBHOOK_SECRET) and restart Gatehouse. For a small setup,
                GATEHOUSE_GITHUB_TOKEN with a fine-grained token works too.
              </Alert>
            </div>
          ) : (
            <p className="mt-2 text-slate-700">
              {view.mode === "app" ? `GitHub App ${view.appId}` : "A personal access token"} at <code>{view.baseUrl}</code>; webhooks{" "}
              {view.webhooks ? "verified with the configured secret" : "off (GITHUB_WEBHOOK_SECRET is not set): changes arrive with the schedule only"}.
            </p>
          )}
        </section>

        <section aria-labelledby="conn-heading" className="rounded-lg border border-slate-200 bg-white p-5 text-sm">
          <h2 id="conn-heading" className="font-semibold">
            Connection
          </h2>
          {view.connection ? (
            <div className="mt-2 space-y-3">
              <p>
                Connected to <strong>{view.connection.accountLogin}</strong>
                {view.connection.installationId ? ` through installation #${view.connection.installationId}` : " with the configured token"}.
              </p>
              {view.connection.permissions.length > 0 ? (
                <table className="w-full text-left">
                  <caption className="sr-only">Permissions the sync needs</caption>
                  <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
                    <tr>
                      <th scope="col" className="py-1.5 pr-3">Permission</th>
                      <th scope="col" className="py-1.5 pr-3">Needed</th>
                      <th scope="col" className="py-1.5 pr-3">Granted</th>
                      <th scope="col" className="py-1.5 pr-3">Used to</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {view.connection.permissions.map((p) => (
                      <tr key={p.permission} data-testid="permission-row">
                        <td className="py-1.5 pr-3 font-mono text-xs">{p.permission}</td>
                        <td className="py-1.5 pr-3">{p.needed}</td>
                        <td className="py-1.5 pr-3">{p.ok ? <Badge tone="green">{p.granted}</Badge> : <Badge tone="red">{p.granted ?? "missing"}</Badge>}</td>
                        <td className="py-1.5 pr-3 text-slate-700">{p.usedFor}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
              {view.connection.permissions.some((p) => !p.ok) ? (
                <Alert>
                  Some permissions the sync needs are missing: a GitHub organisation owner adds them in the App&apos;s settings
                  (Permissions &amp; events) and accepts the new permissions on the installation.
                </Alert>
              ) : null}
              <DisconnectButton orgSlug={actor.orgSlug} />
            </div>
          ) : view.mode === "none" ? (
            <p className="mt-2 text-slate-600">Configure credentials first.</p>
          ) : (
            <div className="mt-3">
              {view.installationsError ? <Alert>{view.installationsError}</Alert> : null}
              <ConnectPanel orgSlug={actor.orgSlug} mode={view.mode} installations={view.installations} />
            </div>
          )}
        </section>

        {view.connection ? <SyncPanel orgSlug={actor.orgSlug} canSync={can(actor, "sync.run")} /> : null}
      </div>
    </>
  );
}
