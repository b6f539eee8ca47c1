"use client";

import { InventoryError } from "@/components/inventory/inventory-states";

export default function OwnersError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <InventoryError what="Owners" error={error} reset={reset} />;
}
