// One Prisma client factory for every app. Prisma 7's `prisma-client` output runs on the pg
// driver adapter: no native engine is involved at run time.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client.ts";
import { databaseUrl, isProduction } from "./env.ts";

export { PrismaClient };

/** The client handed to `prisma.$transaction(async (tx) => ...)` callbacks. */
export type PrismaTransaction = Prisma.TransactionClient;

/** A client or a transaction: what domain functions should accept. */
export type PrismaExecutor = PrismaClient | PrismaTransaction;

export interface CreatePrismaClientOptions {
  /** Maximum connections in the pg pool (default 10). */
  maxConnections?: number;
}

/** A new client for `url` (default: DATABASE_URL, validated). Call `$disconnect()` when done. */
export function createPrismaClient(url?: string, options: CreatePrismaClientOptions = {}): PrismaClient {
  const connectionString = url ?? databaseUrl();
  const adapter = new PrismaPg({ connectionString, max: options.maxConnections ?? 10 });
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { __mixcastPrisma?: PrismaClient };
let productionClient: PrismaClient | undefined;

/**
 * The process-wide client for DATABASE_URL. Outside production it is kept on globalThis so that
 * Next.js hot reloads and repeated module instances share one pool.
 */
export function getPrisma(): PrismaClient {
  const production = isProduction();
  const cached = production ? productionClient : globalForPrisma.__mixcastPrisma;
  if (cached) return cached;
  const client = createPrismaClient();
  if (production) productionClient = client;
  else globalForPrisma.__mixcastPrisma = client;
  return client;
}
