"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button, FormError, Input } from "@mixcast/ui";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

export function CreateWorkspaceForm({ onDone }: { onDone?: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.workspace.create.mutationOptions({
      onSuccess: async (ws) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.list.queryKey() });
        onDone?.();
        router.push(`/w/${ws.id}/datasets`);
      },
    }),
  );
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name });
  }
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
      <Input
        label="Workspace name"
        placeholder="e.g. Acme Marketing"
        value={name}
        onChange={(e) => setName(e.target.value)}
        hint="Usually your company or brand. You can rename it later."
        required
      />
      <FormError>{create.error ? errorMessage(create.error) : null}</FormError>
      <Button type="submit" loading={create.isPending}>
        Create workspace
      </Button>
    </form>
  );
}
