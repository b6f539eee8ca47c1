"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { Result } from "@/lib/http/errors";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

export function DisconnectButton({ orgSlug, disconnect }: { orgSlug: string; disconnect: (input: { orgSlug: string }) => Promise<Result<{ ok: true }>> }) {
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
            const r = await disconnect({ orgSlug });
            if (r.ok) router.refresh();
            else setError(r.error.message);
          });
        }}
      >
        Disconnect
      </Button>
    </div>
  );
}
