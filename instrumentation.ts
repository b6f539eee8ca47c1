/**
 * Runs once when the server starts: parse the configuration and open + migrate the
 * database, so a wrong setting stops start-up with one sentence instead of failing
 * on the first request.
 */
export async function register() {
  // NEXT_RUNTIME is set by Next itself; the edge runtime has no database to open.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("@/lib/server-start");
  await startServer();
}
