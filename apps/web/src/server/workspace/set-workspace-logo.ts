// The workspace's logo on reports (Settings -> Reports): a PNG or JPEG up to 256 KB, stored as a
// data: URL in Workspace.logo (better-auth's organization field), so a report needs no file store
// and the PDF embeds the same bytes the HTML shows.
import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest } from "../errors.ts";

export const LOGO_MAX_BYTES = 256 * 1024;

export const setWorkspaceLogoInput = z.object({
  /** data:image/png;base64,... or data:image/jpeg;base64,...; null removes the logo. */
  logo: z
    .string()
    .max(Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 64, "The logo is larger than 256 KB.")
    .nullable(),
});

/** The image's bytes when `dataUrl` is a PNG or JPEG whose bytes say so; throws otherwise. */
export function checkLogo(dataUrl: string): Buffer {
  const m = dataUrl.match(/^data:image\/(png|jpeg);base64,([A-Za-z0-9+/]+={0,2})$/);
  if (!m) throw badRequest("Upload the logo as a PNG or JPEG image.");
  const bytes = Buffer.from(m[2]!, "base64");
  if (bytes.length > LOGO_MAX_BYTES) throw badRequest("The logo is larger than 256 KB.");
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if ((m[1] === "png" && !png) || (m[1] === "jpeg" && !jpeg))
    throw badRequest(`That file is not a ${m[1] === "png" ? "PNG" : "JPEG"} image.`);
  return bytes;
}

export async function setWorkspaceLogo(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof setWorkspaceLogoInput>,
) {
  const bytes = input.logo === null ? null : checkLogo(input.logo);
  return db.$transaction(async (tx) => {
    await tx.workspace.update({ where: { id: actor.workspaceId }, data: { logo: input.logo } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: input.logo === null ? "workspace.logo.remove" : "workspace.logo.set",
      targetType: "workspace",
      targetId: actor.workspaceId,
      ...(bytes ? { details: { bytes: bytes.length } } : {}),
    });
    return { logo: input.logo };
  });
}
