import { procedureAccess as access } from "../access.ts";
import { listMembers } from "../member/list-members.ts";
import { removeMember, removeMemberInput } from "../member/remove-member.ts";
import { updateMemberRole, updateMemberRoleInput } from "../member/update-member-role.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const memberRouter = router({
  list: workspaceProcedure(access["member.list"]).query(({ ctx }) => listMembers(ctx.prisma, actorOf(ctx))),
  updateRole: workspaceProcedure(access["member.updateRole"])
    .input(updateMemberRoleInput)
    .mutation(({ ctx, input }) => updateMemberRole(ctx.prisma, actorOf(ctx), input)),
  remove: workspaceProcedure(access["member.remove"])
    .input(removeMemberInput)
    .mutation(({ ctx, input }) => removeMember(ctx.prisma, actorOf(ctx), input)),
});
