"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  ErrorState,
  FormError,
  Input,
  PageHeader,
  Select,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from "@mixcast/ui";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { formatDateTime } from "@/components/format.ts";
import { ROLE_DESCRIPTIONS, ROLES, roleAtLeast, type Role } from "@/lib/roles.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

function InviteForm() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const invite = useMutation(
    trpc.invitation.create.mutationOptions({
      onSuccess: async () => {
        setEmail("");
        await queryClient.invalidateQueries({ queryKey: trpc.invitation.pathKey() });
      },
    }),
  );
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    invite.mutate({ workspaceId: ws.id, email, role });
  }
  return (
    <Card>
      <CardHeader title="Invite someone" description="They get a link to join with the role you choose." />
      <CardBody className="flex flex-col gap-4">
        <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-end" noValidate>
          <Input label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          <Select
            label="Role"
            value={role}
            options={ROLES.filter((r) => roleAtLeast(ws.role, r)).map((r) => ({ value: r, label: r }))}
            onChange={(e) => setRole(e.target.value as Role)}
            hint={ROLE_DESCRIPTIONS[role]}
          />
          <Button type="submit" loading={invite.isPending}>
            Create invitation
          </Button>
        </form>
        <FormError>{invite.error ? errorMessage(invite.error) : null}</FormError>
        {invite.data?.transport === "email" ? (
          <Alert tone="success" title="Invitation sent">
            We emailed {invite.data.email} a link to join. It is valid for 7 days.
          </Alert>
        ) : invite.data ? (
          <Alert tone="warning" title="Development mode: no email was sent">
            Mixcast has no mail transport configured, so the link was written to the server log. Send this
            link to {invite.data.email} yourself:
            <code
              data-testid="invite-link"
              className="mt-2 block break-all rounded bg-surface px-2 py-1 font-mono text-xs"
            >
              {invite.data.link}
            </code>
          </Alert>
        ) : null}
      </CardBody>
    </Card>
  );
}

export default function MembersPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const isAdmin = ws.can("admin");
  const members = useQuery(trpc.member.list.queryOptions({ workspaceId: ws.id }));
  const invitations = useQuery({
    ...trpc.invitation.list.queryOptions({ workspaceId: ws.id }),
    enabled: isAdmin,
  });
  const onDone = (title: string) => async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.member.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.invitation.pathKey() });
    toast.show({ tone: "success", title });
  };
  const onError = (e: unknown) =>
    toast.show({ tone: "danger", title: "That did not work", message: errorMessage(e) });
  const updateRole = useMutation(
    trpc.member.updateRole.mutationOptions({ onSuccess: onDone("Role changed"), onError }),
  );
  const remove = useMutation(
    trpc.member.remove.mutationOptions({ onSuccess: onDone("Member removed"), onError }),
  );
  const revoke = useMutation(
    trpc.invitation.revoke.mutationOptions({ onSuccess: onDone("Invitation revoked"), onError }),
  );

  return (
    <>
      <PageHeader
        title="Members"
        description="Who can see and change this workspace. Viewers read; analysts also upload data, edit models and run fits; admins also manage members and schedules; owners can delete the workspace."
      />
      <div className="flex flex-col gap-6">
        {isAdmin ? <InviteForm /> : null}
        {members.isPending ? (
          <Spinner />
        ) : members.error ? (
          <ErrorState message={errorMessage(members.error)} />
        ) : (
          <Table caption="Members">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Email</Th>
                <Th>Role</Th>
                <Th>Joined</Th>
                {isAdmin ? <Th>Actions</Th> : null}
              </tr>
            </THead>
            <TBody>
              {members.data.map((m) => (
                <Tr key={m.id}>
                  <Td className="font-medium">
                    {m.user.name} {m.isYou ? <Badge>you</Badge> : null}
                  </Td>
                  <Td>{m.user.email}</Td>
                  <Td>
                    {isAdmin && !m.isYou && (m.role !== "owner" || ws.role === "owner") ? (
                      <Select
                        label={<span className="sr-only">Role of {m.user.name}</span>}
                        aria-label={`Role of ${m.user.name}`}
                        value={m.role}
                        options={ROLES.filter((r) => roleAtLeast(ws.role, r)).map((r) => ({
                          value: r,
                          label: r,
                        }))}
                        onChange={(e) =>
                          updateRole.mutate({
                            workspaceId: ws.id,
                            membershipId: m.id,
                            role: e.target.value as Role,
                          })
                        }
                      />
                    ) : (
                      <Badge tone={m.role === "owner" ? "info" : "neutral"}>{m.role}</Badge>
                    )}
                  </Td>
                  <Td>{formatDateTime(m.joinedAt)}</Td>
                  {isAdmin ? (
                    <Td>
                      {!m.isYou && (m.role !== "owner" || ws.role === "owner") ? (
                        <Button
                          variant="ghost"
                          size="sm"
                          onClick={() => remove.mutate({ workspaceId: ws.id, membershipId: m.id })}
                        >
                          Remove
                        </Button>
                      ) : null}
                    </Td>
                  ) : null}
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
        {isAdmin && invitations.data && invitations.data.length > 0 ? (
          <Card>
            <CardHeader
              title="Pending invitations"
              description="Links stay valid for 7 days. The invited person joins through the link that was sent to them, or after confirming their address."
            />
            <CardBody>
              <Table caption="Pending invitations">
                <THead>
                  <tr>
                    <Th>Email</Th>
                    <Th>Role</Th>
                    <Th>Link</Th>
                    <Th>Expires</Th>
                    <Th>Actions</Th>
                  </tr>
                </THead>
                <TBody>
                  {invitations.data.map((i) => (
                    <Tr key={i.id}>
                      <Td>{i.email}</Td>
                      <Td>{i.role}</Td>
                      <Td className="max-w-64 truncate font-mono text-xs">{i.link}</Td>
                      <Td>{formatDateTime(i.expiresAt)}</Td>
                      <Td>
                        <Button
                          variant="ghost"
                          size="sm"
                          onClick={() => revoke.mutate({ workspaceId: ws.id, invitationId: i.id })}
                        >
                          Revoke
                        </Button>
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            </CardBody>
          </Card>
        ) : null}
      </div>
    </>
  );
}
