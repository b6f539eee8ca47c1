"use client";

import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { apiWrite, NoResultError, orgApiPath, UNREACHABLE } from "@/components/api/client";
import type { ActionRunDto, IncidentAction } from "./actions-contract";
import { incidentKeys } from "./queries";

/** A write's answer as the incident page shows it: the API's data, or its message. */
export type WriteOutcome<R> = { ok: true; data: R } | { ok: false; message: string; missingRoute: boolean };

export const ACTIONS_MISSING = "This Gatehouse cannot act on GitHub from here yet: run each item's command by hand and record the evidence.";

interface IncidentContextValue {
  orgSlug: string;
  incidentId: string;
  me: string;
  /** A responder or admin on an open incident: forms and buttons are shown. */
  editable: boolean;
  canOverride: boolean;
  actionsMissing: boolean;
  /** A write through apiWrite under …/incidents/{id}/<path>; the detail is refetched after it. */
  write<R>(method: "POST" | "PATCH", path: string[], body: Record<string, unknown>): Promise<WriteOutcome<R>>;
  runAction(action: IncidentAction, itemIds: string[], dryRun: boolean): Promise<WriteOutcome<ActionRunDto>>;
}

const Ctx = createContext<IncidentContextValue | null>(null);

export function useIncident(): IncidentContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error("useIncident outside IncidentProvider");
  return v;
}

export function IncidentProvider({ orgSlug, incidentId, me, editable, canOverride, children }: { orgSlug: string; incidentId: string; me: string; editable: boolean; canOverride: boolean; children: ReactNode }) {
  const qc = useQueryClient();
  const [actionsMissing, setActionsMissing] = useState(false);
  const write = useCallback(
    async <R,>(method: "POST" | "PATCH", path: string[], body: Record<string, unknown>): Promise<WriteOutcome<R>> => {
      try {
        const r = await apiWrite<R>(method, orgApiPath(orgSlug, "incidents", incidentId, ...path), body);
        return r.ok ? r : { ok: false, message: r.error.message, missingRoute: false };
      } catch (e) {
        // A 404 that is not the API's JSON: this server has no such route (yet).
        const missing = e instanceof NoResultError && (e.status === 404 || e.status === 405);
        return { ok: false, message: missing ? "This Gatehouse does not offer that yet." : UNREACHABLE, missingRoute: missing };
      } finally {
        await qc.invalidateQueries({ queryKey: incidentKeys.detail(orgSlug, incidentId) });
      }
    },
    [qc, orgSlug, incidentId],
  );
  const runAction = useCallback(
    async (action: IncidentAction, itemIds: string[], dryRun: boolean) => {
      const r = await write<ActionRunDto>("POST", ["actions"], { action, itemIds, dryRun });
      if (!r.ok && r.missingRoute) {
        setActionsMissing(true);
        return { ...r, message: ACTIONS_MISSING };
      }
      return r;
    },
    [write],
  );
  const value = useMemo(() => ({ orgSlug, incidentId, me, editable, canOverride, actionsMissing, write, runAction }), [orgSlug, incidentId, me, editable, canOverride, actionsMissing, write, runAction]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
