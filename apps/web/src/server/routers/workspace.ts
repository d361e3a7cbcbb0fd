import { procedureAccess as access } from "../access.ts";
import { actorOf, authedProcedure, router, workspaceProcedure } from "../trpc.ts";
import { createWorkspace, createWorkspaceInput } from "../workspace/create-workspace.ts";
import { deleteWorkspace, deleteWorkspaceInput } from "../workspace/delete-workspace.ts";
import { listWorkspaces } from "../workspace/list-workspaces.ts";
import { renameWorkspace, renameWorkspaceInput } from "../workspace/rename-workspace.ts";
import { setWorkspaceCurrency, setWorkspaceCurrencyInput } from "../workspace/set-workspace-currency.ts";
import { setWorkspaceLogo, setWorkspaceLogoInput } from "../workspace/set-workspace-logo.ts";

export const workspaceRouter = router({
  list: authedProcedure.query(({ ctx }) => listWorkspaces(ctx.prisma, ctx.user.id)),
  create: authedProcedure
    .input(createWorkspaceInput)
    .mutation(({ ctx, input }) => createWorkspace(ctx.prisma, ctx.user.id, input)),
  get: workspaceProcedure(access["workspace.get"]).query(({ ctx }) => ({
    id: ctx.workspace.id,
    name: ctx.workspace.name,
    slug: ctx.workspace.slug,
    currency: ctx.workspace.currency,
    logo: ctx.workspace.logo,
    role: ctx.role,
  })),
  rename: workspaceProcedure(access["workspace.rename"])
    .input(renameWorkspaceInput)
    .mutation(({ ctx, input }) => renameWorkspace(ctx.prisma, actorOf(ctx), input)),
  setCurrency: workspaceProcedure(access["workspace.setCurrency"])
    .input(setWorkspaceCurrencyInput)
    .mutation(({ ctx, input }) => setWorkspaceCurrency(ctx.prisma, actorOf(ctx), input)),
  setLogo: workspaceProcedure(access["workspace.setLogo"])
    .input(setWorkspaceLogoInput)
    .mutation(({ ctx, input }) => setWorkspaceLogo(ctx.prisma, actorOf(ctx), input)),
  delete: workspaceProcedure(access["workspace.delete"])
    .input(deleteWorkspaceInput)
    .mutation(({ ctx, input }) => deleteWorkspace(ctx.prisma, actorOf(ctx), input)),
});
