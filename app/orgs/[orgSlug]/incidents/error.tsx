"use client";

import { InventoryError } from "@/components/inventory/inventory-states";

export default function IncidentsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <InventoryError what="Incidents" error={error} reset={reset} />;
}
