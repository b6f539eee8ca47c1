import "server-only";
import { headers } from "next/headers";
import { getDatabase } from "@/lib/db";
import { currentUser } from "@/lib/auth/current-user";
import type { Result } from "./errors";
import { executeUseCase, type OrgInputSchema, type UseCase } from "./use-case";
import { requestMetaFrom } from "./request-meta";

/**
 * Turns a use-case into a server action: the only way the UI writes. Call the returned
 * function from a "use server" module; it never throws to the client.
 */
export function defineAction<S extends OrgInputSchema, R, P>(useCase: UseCase<S, R, P>) {
  return async (input: unknown): Promise<Result<R>> => {
    const meta = requestMetaFrom(await headers());
    const [handle, user] = await Promise.all([getDatabase(), currentUser()]);
    return executeUseCase(handle, user, useCase, input, meta);
  };
}
