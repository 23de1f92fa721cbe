/** The case search's count, export and bulk verification take exactly the filters of GET /api/cases. */
import { apiSchemas } from '../../api/http/validate';

const props = (id: string) => (apiSchemas()[id] as { properties: Record<string, unknown> }).properties;

describe('the case search schemas', () => {
  const list = props('CaseListQuery');
  const filters = Object.fromEntries(Object.entries(list).filter(([k]) => !['sort', 'order', 'cursor', 'limit'].includes(k)));

  it('given the list query, its filters include escalated and the closing-time range', () => {
    expect(Object.keys(filters)).toEqual(expect.arrayContaining(['status', 'category', 'orgUnit', 'overdue', 'escalated', 'createdAfter', 'createdBefore', 'closedAfter', 'closedBefore', 'q']));
  });

  it.each(['CaseCountQuery', 'CaseVerificationBody'])('given %s, its properties are the filters, the same schemas', (id) => {
    expect(props(id)).toEqual(filters);
  });

  it('given the export query, its properties are the filters and the required format', () => {
    const { format, ...rest } = props('CaseExportQuery');
    expect(rest).toEqual(filters);
    expect(format).toEqual(expect.objectContaining({ enum: ['csv', 'xlsx'] }));
    expect(apiSchemas().CaseExportQuery.required).toEqual(['format']);
  });
});
