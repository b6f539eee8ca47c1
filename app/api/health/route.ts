import { healthReport } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Public and minimal: load balancers and operators. No names, counts or settings. */
export async function GET() {
  const report = await healthReport();
  return Response.json(report, { status: report.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
