"use client";

import { InventoryError } from "@/components/inventory/inventory-states";

export default function SecretsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <InventoryError what="Secrets and identities" error={error} reset={reset} />;
}
