// The operator commands behind `pnpm admin` (src/cli/admin.ts), as a function so tests can run
// them against a test database. Exit codes: 0 done, 1 failed, 2 bad usage.
import { API_TOKEN_SCOPES, insertApiToken, isApiTokenScope, type ApiTokenScope } from "./api-tokens.ts";
import { createPrismaClient } from "./client.ts";

export interface AdminIo {
  out(line: string): void;
  err(line: string): void;
  connect(): Promise<{ url: string; stop(): Promise<void> }>;
}

const USAGE = [
  "usage: pnpm admin token create --workspace <slug> --name <name> --scopes <scope,scope> [--expires-in-days <n>]",
  "       pnpm admin token list   --workspace <slug>",
  "       pnpm admin token revoke --workspace <slug> --id <token id>",
  `scopes: ${API_TOKEN_SCOPES.join(", ")}`,
].join("\n");

class UsageError extends Error {}

function parseFlags(args: readonly string[], allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    if (!allowed.includes(name))
      throw new UsageError(`unknown option --${name} (known: ${allowed.map((a) => `--${a}`).join(", ")})`);
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === "" || (eq < 0 && value.startsWith("--")))
      throw new UsageError(`--${name} needs a value`);
    out[name] = value;
  }
  return out;
}

function need(flags: Record<string, string>, name: string): string {
  const v = flags[name];
  if (v === undefined) throw new UsageError(`missing --${name}`);
  return v;
}

export function parseScopes(raw: string): ApiTokenScope[] {
  const scopes = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) throw new UsageError("--scopes needs at least one scope");
  for (const s of scopes)
    if (!isApiTokenScope(s))
      throw new UsageError(`unknown scope "${s}" (scopes: ${API_TOKEN_SCOPES.join(", ")})`);
  return scopes as ApiTokenScope[];
}

export async function runAdminCommand(argv: readonly string[], io: AdminIo): Promise<number> {
  const [area, verb, ...rest] = argv;
  if (area === undefined || area === "--help" || area === "help") {
    io.out(USAGE);
    return area === undefined ? 2 : 0;
  }
  let flags: Record<string, string>;
  try {
    if (area !== "token") throw new UsageError(`unknown command "${area}"`);
    if (verb === "create") {
      flags = parseFlags(rest, ["workspace", "name", "scopes", "expires-in-days"]);
      need(flags, "workspace");
      const name = need(flags, "name").trim();
      if (name.length < 2 || name.length > 80) throw new UsageError("--name must be 2 to 80 characters");
      parseScopes(need(flags, "scopes"));
      const days = flags["expires-in-days"];
      if (
        days !== undefined &&
        !(Number.isInteger(Number(days)) && Number(days) >= 1 && Number(days) <= 3650)
      )
        throw new UsageError(`--expires-in-days must be a whole number from 1 to 3650 (got "${days}")`);
    } else if (verb === "list") {
      flags = parseFlags(rest, ["workspace"]);
      need(flags, "workspace");
    } else if (verb === "revoke") {
      flags = parseFlags(rest, ["workspace", "id"]);
      need(flags, "workspace");
      need(flags, "id");
    } else throw new UsageError(`unknown token command "${verb ?? ""}" (create, list, revoke)`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`pnpm admin: ${error.message}\n${USAGE}`);
    return 2;
  }

  const db = await io.connect();
  const prisma = createPrismaClient(db.url, { maxConnections: 2 });
  try {
    const slug = flags.workspace!;
    const workspace = await prisma.workspace.findUnique({ where: { slug } });
    if (!workspace) {
      const known = await prisma.workspace.findMany({
        select: { slug: true },
        orderBy: { slug: "asc" },
        take: 20,
      });
      io.err(
        `No workspace with slug "${slug}". Workspaces: ${known.map((w) => w.slug).join(", ") || "(none)"}.`,
      );
      return 1;
    }
    if (verb === "create") {
      const days = flags["expires-in-days"];
      const expiresAt = days === undefined ? null : new Date(Date.now() + Number(days) * 86_400_000);
      const { token, record } = await prisma.$transaction((tx) =>
        insertApiToken(tx, {
          workspaceId: workspace.id,
          name: flags.name!.trim(),
          scopes: parseScopes(flags.scopes!),
          expiresAt,
          createdById: null,
          via: "admin-script",
        }),
      );
      io.err(
        `Created token "${record.name}" (${record.id}) for ${workspace.name} with scopes ${record.scopes.join(", ")}` +
          `${expiresAt ? `, expires ${expiresAt.toISOString()}` : ", no expiry"}. It is shown once, below:`,
      );
      io.out(token);
      return 0;
    }
    if (verb === "list") {
      const tokens = await prisma.apiToken.findMany({
        where: { workspaceId: workspace.id },
        orderBy: { createdAt: "desc" },
      });
      if (tokens.length === 0) io.out(`No API tokens in ${workspace.name}.`);
      for (const t of tokens) {
        const state = t.revokedAt
          ? "revoked"
          : t.expiresAt && t.expiresAt <= new Date()
            ? "expired"
            : "active";
        io.out(
          [
            t.id,
            t.prefix + "…",
            state,
            t.scopes.join(","),
            t.name,
            t.lastUsedAt?.toISOString() ?? "never used",
          ].join("\t"),
        );
      }
      return 0;
    }
    // revoke
    const id = flags.id!;
    const revoked = await prisma.$transaction(async (tx) => {
      const changed = await tx.apiToken.updateMany({
        where: { id, workspaceId: workspace.id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (changed.count === 0) return false;
      await tx.auditEvent.create({
        data: {
          workspaceId: workspace.id,
          actorKind: "system",
          action: "api_token.revoke",
          targetType: "api_token",
          targetId: id,
          details: { via: "admin-script" },
        },
      });
      return true;
    });
    if (!revoked) {
      io.err(`No active token ${id} in ${workspace.name}.`);
      return 1;
    }
    io.out(`Revoked ${id}.`);
    return 0;
  } finally {
    await prisma.$disconnect();
    await db.stop();
  }
}
