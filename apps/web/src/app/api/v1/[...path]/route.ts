import { getPrisma } from "@mixcast/db";
import { serverEnv } from "@/env.ts";
import { handleApiRequest } from "@/server/rest/handle-api-request.ts";

export const dynamic = "force-dynamic";

/** The REST API (/api/v1/...): token-authenticated, documented at /api/v1/openapi.json. */
function serve(request: Request): Promise<Response> {
  const env = serverEnv();
  return handleApiRequest(request, {
    prisma: getPrisma(),
    rateLimit: { limit: env.MIXCAST_API_RATE_LIMIT, windowMs: 60_000 },
  });
}

export const GET = serve;
export const POST = serve;
export const PUT = serve;
export const PATCH = serve;
export const DELETE = serve;
