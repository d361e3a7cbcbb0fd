import { reportDownload } from "@/server/report/download-route.ts";

export const dynamic = "force-dynamic";

/** A scenario comparison as PDF: ?ids=<scenario>,<scenario>[&runId=<run>] (viewers and up). */
export async function GET(request: Request, { params }: { params: Promise<{ workspaceId: string }> }) {
  const { workspaceId } = await params;
  const url = new URL(request.url);
  const scenarioIds = (url.searchParams.get("ids") ?? "").split(",").filter(Boolean);
  const runId = url.searchParams.get("runId") || undefined;
  return reportDownload(request, "pdf", "mixcast-scenario-comparison", (caller) =>
    caller.report.comparison({ workspaceId, scenarioIds, ...(runId ? { runId } : {}) }),
  );
}
