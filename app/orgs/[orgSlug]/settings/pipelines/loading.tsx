import { InventoryLoading } from "@/components/inventory/inventory-states";

export default function Loading() {
  return <InventoryLoading what="Pipeline sources" />;
}
