/** Which errors mean "a dependency is down" (503 with Retry-After) rather than a bug (500). */
import { ServiceError } from '@temporalio/client';
import { isUnavailable } from '../../api/problem';

describe('isUnavailable', () => {
  it.each([
    ['a pooled connection MariaDB closed when it stopped (EPIPE on write)', { name: 'PrismaClientKnownRequestError', code: 'EPIPE', message: 'write EPIPE' }],
    ['a connection reset mid-query', { name: 'PrismaClientKnownRequestError', code: 'ECONNRESET', message: 'read ECONNRESET' }],
    ['the pool cannot connect', { name: 'PrismaClientKnownRequestError', code: 'P1001', message: "Can't reach database server" }],
    ['a driver error naming a closed connection', { name: 'Error', message: 'socket has unexpectedly been closed' }],
  ])('given %s, the database is down', (_what, err) => {
    expect(isUnavailable(err)).toBe('database');
  });

  it('given a Temporal service error, Temporal is down', () => {
    expect(isUnavailable(new ServiceError('14 UNAVAILABLE: Connection dropped'))).toBe('temporal');
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a unique violation', { name: 'PrismaClientKnownRequestError', code: 'P2002', message: 'Unique constraint failed' }],
    ['an EPIPE outside the database client', { name: 'Error', code: 'EPIPE', message: 'broken' }],
  ])('given %s, nothing is down (a 500 or its own 4xx)', (_what, err) => {
    expect(isUnavailable(err)).toBeNull();
  });
});
