"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { apiWrite, orgApiPath, UNREACHABLE } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

export interface InstallationView {
  id: number;
  account: string;
  repositorySelection: string;
  suspended: boolean;
  missing: string[];
}

/** The App's installation on this organisation's GitHub account (the server never lists another's), to connect. */
export function ConnectPanel({
  orgSlug,
  mode,
  installations,
}: {
  orgSlug: string;
  mode: "app" | "token";
  installations: InstallationView[];
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (installationId?: number) =>
    startTransition(async () => {
      try {
        const r = await apiWrite<{ accountLogin: string }>("POST", orgApiPath(orgSlug, "connection"), installationId === undefined ? {} : { installationId });
        if (r.ok) router.refresh();
        else setError(r.error.message);
      } catch {
        setError(UNREACHABLE);
      }
    });

  return (
    <div className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      {mode === "token" ? (
        <Button onClick={() => run()} disabled={pending}>
          Connect {orgSlug} with the configured token
        </Button>
      ) : installations.length === 0 ? (
        <Alert tone="info">
          The Gatehouse App is not installed on the GitHub organisation {orgSlug} yet. An owner of {orgSlug} installs it (the
          App&apos;s public page → Install, or GitHub → Settings → GitHub Apps), then reload this page.
        </Alert>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="py-2 pr-3">Installation</th>
              <th scope="col" className="py-2 pr-3">Repositories</th>
              <th scope="col" className="py-2 pr-3">Permissions</th>
              <th scope="col" className="py-2 pr-3"><span className="sr-only">Action</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {installations.map((i) => (
              <tr key={i.id} data-testid="installation-row">
                <td className="py-2 pr-3">
                  <strong>{i.account}</strong> <span className="text-slate-500">#{i.id}</span>
                  {i.suspended ? <span className="ml-2 text-red-800">suspended</span> : null}
                </td>
                <td className="py-2 pr-3">{i.repositorySelection === "all" ? "all repositories" : "selected repositories"}</td>
                <td className="py-2 pr-3">{i.missing.length === 0 ? "all the sync needs" : `missing: ${i.missing.join(", ")}`}</td>
                <td className="py-2 pr-3 text-right">
                  <Button onClick={() => run(i.id)} disabled={pending || i.suspended}>
                    Connect
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
