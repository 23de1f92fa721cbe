/** The Prisma client over the MariaDB driver adapter (Rust-free Prisma 7 client). */
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaClient } from '../../generated/prisma/client';
import { parseDatabaseUrl } from './url';

export type { PrismaClient };

export function createPrisma(databaseUrl: string, opts: { connectionLimit?: number } = {}): PrismaClient {
  const c = parseDatabaseUrl(databaseUrl);
  const adapter = new PrismaMariaDb({
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    database: c.database,
    socketPath: c.socketPath,
    connectionLimit: opts.connectionLimit ?? 10,
    connectTimeout: 5_000,
    acquireTimeout: 10_000,
  });
  return new PrismaClient({ adapter });
}
