import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getPrisma } from "@mixcast/db";
import { getSessionUser } from "@/lib/auth.ts";
import { listWorkspaces } from "@/server/workspace/list-workspaces.ts";

export const dynamic = "force-dynamic";

/** Home: signed-out users go to sign in; others to their first workspace or to create one. */
export default async function Home() {
  const user = await getSessionUser(await headers());
  if (!user) redirect("/sign-in");
  const workspaces = await listWorkspaces(getPrisma(), user.id);
  const first = workspaces[0];
  if (!first) redirect("/onboarding");
  redirect(`/w/${first.id}`);
}
