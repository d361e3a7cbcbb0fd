import { reportDownload } from "@/server/report/download-route.ts";
import { runReportFileName } from "@/server/report/report-files.ts";

export const dynamic = "force-dynamic";

/** The run's one-page report as PDF (viewers and up; the tRPC caller checks the role). */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ workspaceId: string; runId: string }> },
) {
  const { workspaceId, runId } = await params;
  return reportDownload(request, "pdf", runReportFileName(runId), (caller) =>
    caller.report.run({ workspaceId, runId }),
  );
}
