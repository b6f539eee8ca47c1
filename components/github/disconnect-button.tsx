"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { apiWrite, orgApiPath, UNREACHABLE } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

export function DisconnectButton({ orgSlug }: { orgSlug: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      {error ? <Alert>{error}</Alert> : null}
      <Button
        variant="danger"
        disabled={pending}
        onClick={() => {
          if (!window.confirm(`Disconnect ${orgSlug} from GitHub? Syncing stops; the inventory stays as last synced.`)) return;
          startTransition(async () => {
            try {
              const r = await apiWrite<{ ok: true }>("DELETE", orgApiPath(orgSlug, "connection"));
              if (r.ok) router.refresh();
              else setError(r.error.message);
            } catch {
              setError(UNREACHABLE);
            }
          });
        }}
      >
        Disconnect
      </Button>
    </div>
  );
}
