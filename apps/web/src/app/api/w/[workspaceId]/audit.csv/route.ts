import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { createRequestContext } from "@/server/context.ts";
import { createCaller } from "@/server/root.ts";

export const dynamic = "force-dynamic";

/** CSV export of the audit log. Goes through the tRPC caller, so the same access rule applies. */
export async function GET(request: Request, { params }: { params: Promise<{ workspaceId: string }> }) {
  const { workspaceId } = await params;
  const q = new URL(request.url).searchParams;
  const day = (s: string | null, plusDays = 0) =>
    s ? new Date(new Date(`${s}T00:00:00Z`).getTime() + plusDays * 86_400_000) : undefined;
  try {
    const caller = createCaller(await createRequestContext(request.headers));
    const from = day(q.get("from"));
    const to = day(q.get("to"), 1);
    const result = await caller.audit.export({
      workspaceId,
      ...(q.get("action") ? { action: q.get("action")! } : {}),
      ...(q.get("actorId") ? { actorId: q.get("actorId")! } : {}),
      ...(q.get("targetType") ? { targetType: q.get("targetType")! } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    });
    return new Response(result.csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="mixcast-audit-${workspaceId}.csv"`,
        "x-mixcast-rows": String(result.rows),
        "x-mixcast-truncated": String(result.truncated),
      },
    });
  } catch (error) {
    if (error instanceof TRPCError)
      return new Response(error.message, { status: getHTTPStatusCodeFromError(error) });
    throw error;
  }
}
