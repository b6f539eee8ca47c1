"use client";

import { InventoryError } from "@/components/inventory/inventory-states";

export default function CloudTrustError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <InventoryError what="Cloud trust" error={error} reset={reset} />;
}
