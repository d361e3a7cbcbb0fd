import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPCError } from "@trpc/server";
import { getSessionUser } from "@/lib/auth.ts";
import { contextForUser } from "@/server/context.ts";
import {
  describeLimit,
  readBodyCapped,
  TRPC_BODY_LIMIT,
  UPLOAD_BODY_LIMIT,
  withBody,
} from "@/server/http/body-limit.ts";
import { appRouter } from "@/server/root.ts";
import { logSafe } from "@mixcast/db/redact";

export const dynamic = "force-dynamic";

/** Procedures whose input may be large: the CSV upload. */
const LARGE_BODY_PROCEDURES = new Set(["dataset.upload"]);

function bodyLimitFor(url: string): number {
  const paths = new URL(url).pathname.replace(/^\/api\/trpc\/?/, "").split(",");
  return paths.length > 0 && paths.every((p) => LARGE_BODY_PROCEDURES.has(p))
    ? UPLOAD_BODY_LIMIT
    : TRPC_BODY_LIMIT;
}

async function handler(request: Request) {
  // Who is asking comes from the cookie alone; the body is read only for a signed-in user, and
  // only up to the limit. Every procedure needs a signed-in user, so an anonymous call gets its
  // 401 from the procedure ladder with an empty body in place of whatever was sent.
  const user = await getSessionUser(request.headers);
  let req = request;
  let bodyProblem: TRPCError | undefined;
  if (request.method === "POST") {
    if (!user) {
      await request.body?.cancel().catch(() => {});
      req = withBody(request, "{}");
    } else {
      const limit = bodyLimitFor(request.url);
      const body = await readBodyCapped(request, limit);
      if (body === null) {
        bodyProblem = new TRPCError({
          code: "PAYLOAD_TOO_LARGE",
          message:
            limit === UPLOAD_BODY_LIMIT
              ? "The upload is too large: CSV files can be at most 20 MB."
              : `The request is larger than ${describeLimit(limit)}.`,
        });
        req = withBody(request, "{}");
      } else req = withBody(request, body);
    }
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => ({ ...contextForUser(user), ...(bodyProblem ? { bodyProblem } : {}) }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR")
        console.error(`[trpc] ${path ?? "?"}: ${logSafe(error.cause ?? error)}`);
    },
  });
}

export { handler as GET, handler as POST };
