"use client";

import { useEffect } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** The error state of an inventory view (an error boundary's body): says what failed, offers a retry. */
export function InventoryError({ what, error, reset }: { what: string; error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-semibold tracking-tight">{what}</h1>
      <Alert>
        {what} could not be loaded. Nothing was changed.{error.digest ? ` Quote reference ${error.digest} when reporting it.` : ""}
      </Alert>
      <Button variant="secondary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}

/** The loading state of an inventory view: a heading and placeholder rows, announced politely. */
export function InventoryLoading({ what }: { what: string }) {
  return (
    <div role="status" aria-live="polite" className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">{what}</h1>
      <p className="text-sm text-slate-600">Loading {what.toLowerCase()}…</p>
      <div className="space-y-2" aria-hidden="true">
        {[0, 1, 2, 3, 4].map((i) => (
          <div key={i} className="h-10 animate-pulse rounded bg-slate-200" />
        ))}
      </div>
    </div>
  );
}
