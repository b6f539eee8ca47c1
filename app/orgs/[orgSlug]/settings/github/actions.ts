"use server";

import { defineAction } from "@/lib/http/define-action";
import { connectGithub, disconnectGithub, startSync } from "@/lib/connections/connection-service";

export const connectGithubAction = defineAction(connectGithub);
export const disconnectGithubAction = defineAction(disconnectGithub);
export const startSyncAction = defineAction(startSync);
