"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import type { ReportWebhookDto } from "@/lib/findings/report-webhook-service";
import { apiWrite, orgApiPath, UNREACHABLE } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

type Said = { tone: "error" | "success"; text: string } | null;

/**
 * Where the weekly report goes (admins): a Slack-compatible incoming webhook. The URL is a
 * secret: typed once, never shown again (only its host); leaving it empty keeps the stored one.
 */
export function ReportWebhookForm({ orgSlug, webhook }: { orgSlug: string; webhook: ReportWebhookDto | null }) {
  const router = useRouter();
  const id = useId();
  const [said, setSaid] = useState<Said>(null);
  const [busy, setBusy] = useState(false);
  const path = orgApiPath(orgSlug, "report-webhook");
  const call = async (method: "PUT" | "POST" | "DELETE", url: string, body: Record<string, unknown>, done: string) => {
    setBusy(true);
    setSaid(null);
    try {
      const r = await apiWrite<{ message?: string }>(method, url, body);
      setSaid(r.ok ? { tone: "success", text: r.data.message ?? done } : { tone: "error", text: r.error.message });
      if (r.ok) router.refresh();
    } catch {
      setSaid({ tone: "error", text: UNREACHABLE });
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const url = String(form.get("url") ?? "").trim();
    void call("PUT", path, { ...(url ? { url } : {}), onSignOff: form.get("onSignOff") === "on", weekly: form.get("weekly") === "on" }, "Saved.").then(() => {
      const input = document.getElementById(`${id}-url`) as HTMLInputElement | null;
      if (input) input.value = "";
    });
  };
  return (
    <section aria-labelledby={`${id}-heading`} className="rounded-lg border border-slate-200 bg-white p-5 text-sm" data-testid="report-webhook">
      <h2 id={`${id}-heading`} className="font-semibold">
        Send the report to chat
      </h2>
      <p className="text-slate-600">
        A Slack-compatible incoming webhook gets the counts, the worst new and regressed findings and a link here.{" "}
        {webhook ? (
          <>
            Set by {webhook.configuredBy} to <span className="font-mono">{webhook.urlHint}/…</span>
            {webhook.last ? `; last ${webhook.last.status} ${webhook.last.at.slice(0, 16).replace("T", " ")} UTC.` : "."}
          </>
        ) : (
          "Not set up."
        )}
      </p>
      {webhook?.last?.status === "failed" ? <p className="mt-1 text-red-800">{webhook.last.message}</p> : null}
      <form onSubmit={onSubmit} aria-label="Report webhook" className="mt-3 space-y-2">
        <label htmlFor={`${id}-url`} className="block font-medium">
          Webhook URL {webhook ? "(leave empty to keep the one set)" : ""}
        </label>
        <input
          id={`${id}-url`}
          name="url"
          type="url"
          autoComplete="off"
          required={!webhook}
          placeholder="https://hooks.slack.com/services/…"
          className="w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 font-mono"
        />
        <label className="flex items-center gap-2">
          <input type="checkbox" name="onSignOff" defaultChecked={webhook?.onSignOff ?? true} /> When a review is signed off
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="weekly" defaultChecked={webhook?.weekly ?? false} /> Every Monday at 08:00 UTC (the review as it stands)
        </label>
        <div className="flex flex-wrap gap-2">
          <Button type="submit" disabled={busy}>
            Save
          </Button>
          {webhook ? (
            <>
              <Button type="button" variant="secondary" disabled={busy} onClick={() => void call("POST", `${path}/test`, {}, "Sent.")}>
                Send a test
              </Button>
              <Button type="button" variant="danger" disabled={busy} onClick={() => void call("DELETE", path, {}, "Removed: no report is sent.")}>
                Remove
              </Button>
            </>
          ) : null}
        </div>
        {said ? <Alert tone={said.tone}>{said.text}</Alert> : null}
      </form>
    </section>
  );
}
