// The app's report downloads (/api/w/<workspace>/...): the report data comes through the tRPC
// caller, so the same workspace/role check applies as everywhere else; this only renders it.
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { createRequestContext } from "../context.ts";
import { createCaller } from "../root.ts";
import { reportResponse, type AnyReport, type ReportFormat } from "./report-files.ts";

export async function reportDownload(
  request: Request,
  format: ReportFormat,
  fileName: string,
  load: (caller: ReturnType<typeof createCaller>) => Promise<AnyReport>,
): Promise<Response> {
  try {
    const caller = createCaller(await createRequestContext(request.headers));
    const report = await load(caller);
    return await reportResponse(report, format, { fileName });
  } catch (error) {
    if (error instanceof TRPCError)
      return new Response(error.message, {
        status: getHTTPStatusCodeFromError(error),
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
      });
    throw error;
  }
}
