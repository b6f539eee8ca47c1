"use server";

import { defineAction } from "@/lib/http/define-action";
import { clearOwner, setOwner } from "@/lib/inventory/owners-service";

// Thin adapters: the one door authenticates, validates, checks owner.override and audits.
export const setOwnerAction = defineAction(setOwner);
export const clearOwnerAction = defineAction(clearOwner);
