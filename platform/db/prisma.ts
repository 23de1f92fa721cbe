/** The Prisma client over the MariaDB driver adapter (Rust-free Prisma 7 client). */
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaClient } from '../../generated/prisma/client';
import { connectionOptions } from './url';

export type { PrismaClient };

export function createPrisma(databaseUrl: string, opts: { connectionLimit?: number } = {}): PrismaClient {
  const adapter = new PrismaMariaDb({
    ...connectionOptions(databaseUrl, { connectTimeout: 5_000 }),
    connectionLimit: opts.connectionLimit ?? 10,
    // with the database down, a request fails (503) after this instead of hanging
    acquireTimeout: 5_000,
  });
  return new PrismaClient({ adapter });
}
