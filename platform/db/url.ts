/**
 * DATABASE_URL handling for the MySQL/MariaDB tooling (migrate, drift, tests).
 *
 * Accepted form (Prisma's MySQL URL):
 *   mysql://user:password@host:port/database
 *   mysql://user:password@localhost/database?socket=/run/mysqld/mysqld.sock
 * `mariadb://` is accepted as an alias. User, password and database are percent-decoded, so a
 * password containing `@`, `:` or `/` must be percent-encoded in the URL (as Prisma requires).
 */

export interface DatabaseUrlParts {
  host: string;
  port: number;
  user: string;
  /** Empty string when the URL has no password. */
  password: string;
  /** Undefined when the URL names no database (a server-level URL). */
  database: string | undefined;
  /** Unix socket path from the `socket` query parameter; when set, host and port are not used. */
  socketPath: string | undefined;
}

const DEFAULT_PORT = 3306;

function decode(part: string, what: string, url: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new Error(`Invalid DATABASE_URL ${maskDatabaseUrl(url)}: ${what} is not valid percent-encoding`);
  }
}

export function parseDatabaseUrl(url: string): DatabaseUrlParts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Invalid DATABASE_URL ${maskDatabaseUrl(url)}: expected mysql://user:password@host:port/database`);
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(
      `Invalid DATABASE_URL ${maskDatabaseUrl(url)}: protocol must be mysql:// (or mariadb://), got ${parsed.protocol}//`,
    );
  }

  const socketPath = parsed.searchParams.get('socket') || undefined;
  let host = parsed.hostname;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1); // IPv6 literal
  if (!host && !socketPath) {
    throw new Error(`Invalid DATABASE_URL ${maskDatabaseUrl(url)}: no host (and no ?socket=)`);
  }

  let port = DEFAULT_PORT;
  if (parsed.port) {
    port = Number(parsed.port);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new Error(`Invalid DATABASE_URL ${maskDatabaseUrl(url)}: bad port ${parsed.port}`);
    }
  }

  const rawDb = parsed.pathname.replace(/^\//, '');
  if (rawDb.includes('/')) {
    throw new Error(`Invalid DATABASE_URL ${maskDatabaseUrl(url)}: the path must be a single database name`);
  }
  const database = rawDb ? decode(rawDb, 'database name', url) : undefined;

  return {
    host: host || 'localhost',
    port,
    user: decode(parsed.username, 'user', url),
    password: decode(parsed.password, 'password', url),
    database,
    socketPath,
  };
}

/**
 * Replaces the password in a database URL with `****`, keeping everything else as written.
 * Never throws: a string that is not a URL with credentials is returned unchanged.
 */
export function maskDatabaseUrl(url: string): string {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd < 0) return url;
  const authorityStart = schemeEnd + 3;
  // The credentials end at the last '@' before the query string, so an unencoded '@' or '/'
  // inside the password is masked too.
  const queryStart = url.indexOf('?', authorityStart);
  const beforeQuery = queryStart < 0 ? url.length : queryStart;
  const at = url.lastIndexOf('@', beforeQuery - 1);
  if (at < authorityStart) return url;
  const userinfo = url.slice(authorityStart, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0 || colon === userinfo.length - 1) return url; // no password
  return `${url.slice(0, authorityStart)}${userinfo.slice(0, colon)}:****${url.slice(at)}`;
}

/** Connection options for the `mariadb` driver built from a DATABASE_URL. */
export function connectionOptions(
  url: string,
  overrides: { database?: string | null; multipleStatements?: boolean; connectTimeout?: number } = {},
): {
  host?: string;
  port?: number;
  socketPath?: string;
  user: string;
  password: string;
  database?: string;
  multipleStatements: boolean;
  collation: string;
  connectTimeout: number;
} {
  const p = parseDatabaseUrl(url);
  const database = overrides.database === null ? undefined : (overrides.database ?? p.database);
  return {
    ...(p.socketPath ? { socketPath: p.socketPath } : { host: p.host, port: p.port }),
    user: p.user,
    password: p.password,
    ...(database ? { database } : {}),
    multipleStatements: overrides.multipleStatements ?? false,
    collation: 'UTF8MB4_UNICODE_CI',
    connectTimeout: overrides.connectTimeout ?? 10_000,
  };
}
