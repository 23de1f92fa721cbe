/**
 * Task and approval ids at the API boundary. Inside (the case workflow, its recorded histories,
 * the database) a task is `<case number>/T<n>` and an approval `<case number>/A<n>`; a slash is a
 * path separator, so such an id works in a URL only percent-encoded. The API shows them with `~`
 * instead (`DC-20261124-00042~T1`): `~` is unreserved in URLs (RFC 3986), never in a case number
 * (schema/api/cases.json CaseId), so the id goes into a path as it is. Both forms are accepted
 * wherever a task or approval id comes in (the earlier one percent-encoded in a path).
 */

/** The id as the API shows it: `DC-20261124-00042/T1` → `DC-20261124-00042~T1`. */
export function apiId(internal: string): string {
  return internal.replace('/', '~');
}

export function apiIdOrNull(internal: string | null | undefined): string | null {
  return internal === null || internal === undefined ? null : apiId(internal);
}

/** The id as it is kept, from either form the API accepts: `…~T1` or `…/T1` → `…/T1`. */
export function internalId(given: string): string {
  return given.replace('~', '/');
}
