// Prisma CLI configuration. Only `prisma generate` runs through the CLI here (migrations go
// through our WASM-engine migrator, src/migrate.ts), so the URL may be absent.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/unused" },
});
