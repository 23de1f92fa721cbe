/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over GridCase's catalogue and cases.
 *
 *   - services: the active sub-items (MINOR categories) and the classes (MAJOR) without active
 *     sub-items; service_code = category code, group = the class's name, type realtime (the case
 *     number comes back at once); attributes per process (./attributes.ts).
 *   - POST requests: an api client (api_clients, sha-256 of the key) reports through intake like
 *     any channel; the answer carries the case number and a token (intake_tokens). lat/long are
 *     WGS-84 unless the extension field `crs` says GCJ02 (AMap, Tencent) or BD09 (Baidu). A
 *     photo comes as multipart/form-data in the field `media` (checked as intake's photos). A
 *     request with only an address_string (the hotline's usual case) is accepted "to be located":
 *     a case without a grid at the client's district (api_clients.districtId; for a client
 *     without one, the one district of the city its address names), whose 受理 task goes to that
 *     district's dispatchers and handlers and is completed by placing the point (../locate.ts).
 *   - GET requests: every case, whatever its channel, in the citizen-safe projection below.
 *
 * The citizen-safe projection (public reads need no key):
 *   - never: the reporter's name, phone, e-mail, account or device; staff names; texts written
 *     inside the centre (reasons, comments, feedback); assessment data;
 *   - status_notes: the status word and the last public step (../citizen.ts);
 *   - description: the report's text with phone numbers, ID-card numbers and e-mail addresses
 *     masked (citizens and grid workers write them into descriptions);
 *   - matters about people rather than places — public order and key persons (平安建设), disputes
 *     (矛盾纠纷), people in hardship and elderly people living alone (MS01, MS02) — are listed with
 *     their status and times but without description, address or location, so a public map never
 *     points at a household (PRIVATE_CATEGORIES; a per-category "public" flag in the catalogue
 *     would be the lasting place for this);
 *   - address_id: the 15-digit unit grid code (单元网格编码), the addressing system of grid
 *     management (null until a request without a point is located); zipcode and media_url: as
 *     the request sent them (a photo uploaded in `media` is an attachment of the case, not
 *     public, so it has no media_url).
 * Date-times are in Beijing time with their offset (2026-11-23T14:05:00+08:00), as the spec's w3
 * format asks.
 *
 * One file per part: formats.ts, services.ts (with attributes.ts), clients.ts, create.ts (POST
 * requests), requests.ts (GET requests).
 */
export * from './formats';
// (services.ts also shares its catalogue helpers with the other parts; these are its API)
export { listServices, serviceDefinition, type Open311Service } from './services';
export * from './clients';
export * from './create';
export * from './requests';
