import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "@/lib/auth.ts";
import { AUTH_BODY_LIMIT, describeLimit, readBodyCapped, withBody } from "@/server/http/body-limit.ts";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return toNextJsHandler(getAuth()).GET(request);
}

export async function POST(request: Request) {
  const body = await readBodyCapped(request, AUTH_BODY_LIMIT);
  if (body === null)
    return Response.json(
      { code: "PAYLOAD_TOO_LARGE", message: `The request is larger than ${describeLimit(AUTH_BODY_LIMIT)}.` },
      { status: 413 },
    );
  return toNextJsHandler(getAuth()).POST(withBody(request, body));
}
