import { connectionOptions, maskDatabaseUrl, parseDatabaseUrl } from '../../platform/db/url';

describe('parseDatabaseUrl', () => {
  it('parses host, port, credentials and database', () => {
    expect(parseDatabaseUrl('mysql://gridcase:s3cret@db.example.org:3307/gridcase')).toEqual({
      host: 'db.example.org',
      port: 3307,
      user: 'gridcase',
      password: 's3cret',
      database: 'gridcase',
      socketPath: undefined,
    });
  });

  it('defaults the port to 3306 and accepts mariadb://', () => {
    const parts = parseDatabaseUrl('mariadb://root:pw@localhost/app');
    expect(parts.port).toBe(3306);
    expect(parts.host).toBe('localhost');
    expect(parts.database).toBe('app');
  });

  it('percent-decodes user, password and database', () => {
    const parts = parseDatabaseUrl('mysql://grid%20user:p%40ss%3Aw%2Frd%25@127.0.0.1:3306/grid%2Dcase');
    expect(parts.user).toBe('grid user');
    expect(parts.password).toBe('p@ss:w/rd%');
    expect(parts.database).toBe('grid-case');
  });

  it('takes the unix socket from the socket query parameter', () => {
    const parts = parseDatabaseUrl('mysql://root:pw@localhost/gridcase?socket=/run/mysqld/mysqld.sock&connection_limit=5');
    expect(parts.socketPath).toBe('/run/mysqld/mysqld.sock');
    expect(parts.database).toBe('gridcase');
    expect(connectionOptions('mysql://root:pw@localhost/gridcase?socket=/run/mysqld/mysqld.sock')).toMatchObject({
      socketPath: '/run/mysqld/mysqld.sock',
      user: 'root',
      password: 'pw',
      database: 'gridcase',
    });
    expect(connectionOptions('mysql://root:pw@localhost/gridcase?socket=/tmp/s')).not.toHaveProperty('host');
  });

  it('handles IPv6 hosts, missing password and missing database', () => {
    expect(parseDatabaseUrl('mysql://root@[::1]:3399/x')).toMatchObject({ host: '::1', port: 3399, password: '' });
    expect(parseDatabaseUrl('mysql://root:pw@localhost:3306').database).toBeUndefined();
    expect(parseDatabaseUrl('mysql://root:pw@localhost:3306/').database).toBeUndefined();
  });

  it('rejects other protocols and garbage without leaking the password', () => {
    expect(() => parseDatabaseUrl('postgresql://u:topsecret@h/db')).toThrow(/mysql:\/\//);
    expect(() => parseDatabaseUrl('postgresql://u:topsecret@h/db')).not.toThrow(/topsecret/);
    expect(() => parseDatabaseUrl('not a url')).toThrow(/Invalid DATABASE_URL/);
    expect(() => parseDatabaseUrl('mysql://u:topsecret@h:99999/db')).not.toThrow(/topsecret/);
    expect(() => parseDatabaseUrl('mysql://u:topsecret@h:99999/db')).toThrow();
  });
});

describe('maskDatabaseUrl', () => {
  it('replaces the password with ****', () => {
    expect(maskDatabaseUrl('mysql://gridcase:s3cret@db:3306/gridcase')).toBe('mysql://gridcase:****@db:3306/gridcase');
  });

  it('masks percent-encoded and unencoded special characters', () => {
    expect(maskDatabaseUrl('mysql://u:p%40ss%2F@db/x')).toBe('mysql://u:****@db/x');
    expect(maskDatabaseUrl('mysql://u:p@ss/w@db/x')).toBe('mysql://u:****@db/x');
  });

  it('keeps the query string, including an @ in a socket path', () => {
    expect(maskDatabaseUrl('mysql://u:pw@localhost/x?socket=/tmp/a@b.sock')).toBe(
      'mysql://u:****@localhost/x?socket=/tmp/a@b.sock',
    );
  });

  it('leaves URLs without a password and non-URLs unchanged', () => {
    expect(maskDatabaseUrl('mysql://root@localhost/x')).toBe('mysql://root@localhost/x');
    expect(maskDatabaseUrl('mysql://localhost/x')).toBe('mysql://localhost/x');
    expect(maskDatabaseUrl('')).toBe('');
    expect(maskDatabaseUrl('just text')).toBe('just text');
  });
});
