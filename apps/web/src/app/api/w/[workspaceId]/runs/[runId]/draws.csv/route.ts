import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { createRequestContext } from "@/server/context.ts";
import { createCaller } from "@/server/root.ts";

export const dynamic = "force-dynamic";

/** CSV of a run's posterior draws. Goes through the tRPC caller, so the same access rule applies. */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ workspaceId: string; runId: string }> },
) {
  const { workspaceId, runId } = await params;
  try {
    const caller = createCaller(await createRequestContext(request.headers));
    const result = await caller.run.exportDraws({ workspaceId, runId });
    return new Response(result.csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="mixcast-draws-${runId}.csv"`,
        "x-mixcast-rows": String(result.rows),
      },
    });
  } catch (error) {
    if (error instanceof TRPCError)
      return new Response(error.message, { status: getHTTPStatusCodeFromError(error) });
    throw error;
  }
}
