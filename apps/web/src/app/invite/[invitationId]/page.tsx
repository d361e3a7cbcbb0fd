"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { Button, Card, CardBody, ErrorState, FormError, Spinner, buttonClasses } from "@mixcast/ui";
import { authClient } from "@/lib/auth-client.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

export default function InvitePage() {
  return (
    <Suspense fallback={<Spinner />}>
      <Invite />
    </Suspense>
  );
}

function Invite() {
  const { invitationId } = useParams<{ invitationId: string }>();
  // The link's token proves the invitee received it at the invited address.
  const token = useSearchParams().get("token") ?? undefined;
  const [resent, setResent] = useState<string | null>(null);
  const session = authClient.useSession();
  const trpc = useTRPC();
  const router = useRouter();
  const invite = useQuery({ ...trpc.invitation.get.queryOptions({ invitationId }), enabled: !!session.data });
  const accept = useMutation(
    trpc.invitation.accept.mutationOptions({ onSuccess: (r) => router.push(`/w/${r.workspaceId}/runs`) }),
  );
  const here = `/invite/${invitationId}${token ? `?token=${encodeURIComponent(token)}` : ""}`;
  const next = encodeURIComponent(here);
  const resend = async (email: string) => {
    const r = await authClient.sendVerificationEmail({ email, callbackURL: here });
    setResent(
      r.error ? (r.error.message ?? "Could not send the email. Try again in a minute.") : `Sent to ${email}.`,
    );
  };

  let body;
  if (session.isPending) body = <Spinner />;
  else if (!session.data)
    body = (
      <>
        <h1 className="text-xl font-semibold">You have been invited to a Mixcast workspace</h1>
        <p className="text-sm text-muted">
          Sign in or create an account with the email address the invitation was sent to.
        </p>
        <div className="flex gap-2">
          <Link className={buttonClasses("primary")} href={`/sign-up?next=${next}`}>
            Create account
          </Link>
          <Link className={buttonClasses("secondary")} href={`/sign-in?next=${next}`}>
            Sign in
          </Link>
        </div>
      </>
    );
  else if (invite.isPending) body = <Spinner />;
  else if (invite.error)
    body = (
      <ErrorState
        title="This invitation cannot be used"
        message={`${errorMessage(invite.error)} Invitations only work for the email address they were sent to (you are signed in as ${session.data.user.email}).`}
      />
    );
  else {
    const i = invite.data;
    body = (
      <>
        <h1 className="text-xl font-semibold">Join {i.workspaceName}</h1>
        <p className="text-sm text-muted">
          {i.inviterName} invited you as <strong>{i.role ?? "viewer"}</strong>.
        </p>
        {i.status === "pending" && !token && !i.addressVerified ? (
          <div className="flex flex-col gap-2" data-testid="invite-verify">
            <p className="text-sm">
              To join, first confirm that <strong>{session.data.user.email}</strong> is your address: open the
              link in the confirmation email we sent to it, or open this invitation from the email it came in.
            </p>
            <Button variant="secondary" onClick={() => void resend(session.data!.user.email)}>
              Send the confirmation email again
            </Button>
            {resent ? <p className="text-sm text-muted">{resent}</p> : null}
          </div>
        ) : i.status === "pending" ? (
          <Button onClick={() => accept.mutate({ invitationId, token })} loading={accept.isPending}>
            Accept and open workspace
          </Button>
        ) : (
          <ErrorState
            title="This invitation cannot be used"
            message={`It is ${i.status}. Ask an admin of ${i.workspaceName} for a new one.`}
          />
        )}
        <FormError>{accept.error ? errorMessage(accept.error) : null}</FormError>
      </>
    );
  }
  return (
    <div className="flex min-h-screen items-center justify-center bg-bg px-4">
      <div className="w-full max-w-md">
        <p className="mb-6 text-center text-2xl font-bold tracking-tight">Mixcast</p>
        <Card>
          <CardBody className="flex flex-col gap-4 py-6">{body}</CardBody>
        </Card>
      </div>
    </div>
  );
}
