import { getPrisma } from "@mixcast/db";
import { sharedReportResponse } from "@/server/report/report-files.ts";

export const dynamic = "force-dynamic";

/** The PDF of a shared report (read-only, no sign-in). */
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return sharedReportResponse(getPrisma(), token, "pdf");
}
