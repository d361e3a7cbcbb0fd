// @mixcast/db: Prisma schema, generated client, migrator, embedded PostgreSQL and demo seed.
export * from "./generated/prisma/client.ts";
export {
  createPrismaClient,
  getPrisma,
  type CreatePrismaClientOptions,
  type PrismaExecutor,
  type PrismaTransaction,
} from "./client.ts";
export { databaseUrl, optionalDatabaseUrl, testDatabaseUrl } from "./env.ts";
