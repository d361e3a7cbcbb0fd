import { getPrisma } from "@mixcast/db";
import { sharedReportResponse } from "@/server/report/report-files.ts";

export const dynamic = "force-dynamic";

/** A shared report (read-only, no sign-in): the token is the only key; see server/share. */
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return sharedReportResponse(getPrisma(), token, "html");
}
