"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useIncident } from "./incident-context";

/** Closing needs every item done, verified or skipped with a reason; the API says which one is not. */
export function CloseSection({ unfinished }: { unfinished: number }) {
  const { write } = useIncident();
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const summary = String(new FormData(e.currentTarget).get("summary") ?? "").trim();
    setPending(true);
    setError(null);
    const r = await write<{ id: string }>("POST", ["close"], { summary });
    setPending(false);
    if (r.ok) router.refresh();
    else setError(r.message);
  };
  return (
    <section aria-labelledby="close-heading" id="close" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h2 id="close-heading" className="text-lg font-semibold">
        Close the incident
      </h2>
      <p className="mt-1 text-slate-600">
        {unfinished > 0
          ? `${unfinished} checklist item${unfinished === 1 ? " is" : "s are"} not finished: Gatehouse closes the incident once every item is done, verified or skipped with a reason.`
          : "Every item is finished. Closing makes the incident read-only."}
      </p>
      <form onSubmit={onSubmit} className="mt-3 space-y-2">
        <label htmlFor="close-summary" className="block font-medium">
          Summary
        </label>
        <textarea id="close-summary" name="summary" rows={4} className="w-full rounded-md border border-slate-300 px-2 py-1.5" placeholder="What happened, what was exposed, what was done, what remains to follow up" />
        {error ? <Alert>{error}</Alert> : null}
        <Button type="submit" disabled={pending}>
          {pending ? "Closing…" : "Close incident"}
        </Button>
      </form>
    </section>
  );
}
