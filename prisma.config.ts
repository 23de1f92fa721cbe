import { defineConfig } from 'prisma/config';

// The CLI is used for `prisma generate` only; migrations are applied by platform/db/migrate.ts.
export default defineConfig({
  schema: 'schema/prisma/schema.prisma',
  migrations: { path: 'schema/prisma/migrations' },
});
