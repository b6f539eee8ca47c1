"use client";

import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useIncident } from "./incident-context";

/** GitHub's limit for one secret value. */
const MAX_BYTES = 48 * 1024;

/**
 * "Set new value" for a rotate-secret item. The value lives only in the textarea (uncontrolled:
 * never in React state, a query key, the URL or TanStack's caches) and in the one request that
 * carries it; the textarea is emptied the moment the form is submitted, whatever the answer.
 */
export function SecretValueForm({ itemId, secretLabel }: { itemId: string; secretLabel: string }) {
  const { write } = useIncident();
  const field = useRef<HTMLTextAreaElement>(null);
  const [reveal, setReveal] = useState(false);
  const [pending, setPending] = useState(false);
  const [notice, setNotice] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const id = `secret-value-${itemId}`;

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = field.current;
    if (!el) return;
    const value = el.value;
    el.value = "";
    setReveal(false);
    if (value.length === 0) {
      setNotice({ tone: "error", text: "Type or paste the new value first." });
      return;
    }
    if (new TextEncoder().encode(value).length > MAX_BYTES) {
      setNotice({ tone: "error", text: "GitHub accepts at most 48 KB per secret. Nothing was sent; the field was cleared." });
      return;
    }
    setPending(true);
    setNotice(null);
    const r = await write<unknown>("POST", ["items", itemId, "secret-value"], { value });
    setPending(false);
    if (r.ok) setNotice({ tone: "success", text: "New value sealed and written to GitHub. The item turns verified when a sync sees the secret updated." });
    else setNotice({ tone: "error", text: r.missingRoute ? "This Gatehouse cannot set secret values yet: run the item's command by hand, then mark it done. The field was cleared." : `${r.message} The field was cleared: type the value again to retry.` });
  };

  return (
    <details className="rounded-md border border-slate-200 bg-slate-50 p-3">
      <summary className="cursor-pointer font-medium text-blue-800">Set new value in Gatehouse</summary>
    <form onSubmit={onSubmit} className="mt-2 space-y-2" data-testid="secret-value-form">
      <label htmlFor={id} className="block font-medium">
        New value for {secretLabel}
      </label>
      <p id={`${id}-hint`} className="text-xs text-slate-600">
        Sealed on the server with the secret&apos;s public key and written to GitHub. Gatehouse never stores, logs or shows it; this field empties when you submit.
      </p>
      <textarea
        ref={field}
        id={id}
        rows={3}
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="off"
        spellCheck={false}
        data-1p-ignore
        data-lpignore="true"
        aria-describedby={`${id}-hint`}
        className={`w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 font-mono text-xs ${reveal ? "" : "[-webkit-text-security:disc]"}`}
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Sealing and writing…" : "Set new value"}
        </Button>
        <label className="flex items-center gap-1.5 text-xs">
          <input type="checkbox" checked={reveal} onChange={(e) => setReveal(e.target.checked)} />
          Show what I type
        </label>
      </div>
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
    </form>
    </details>
  );
}
