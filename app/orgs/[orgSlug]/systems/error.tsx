"use client";

import { InventoryError } from "@/components/inventory/inventory-states";

export default function SystemsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <InventoryError what="External systems" error={error} reset={reset} />;
}
