"use client";

import { InventoryError } from "@/components/inventory/inventory-states";

export default function PipelinesError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <InventoryError what="Pipeline sources" error={error} reset={reset} />;
}
