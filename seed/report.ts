/** What one run of the demo seed reports: rows created, updated and described, per kind. */
export interface SeedCount {
  created: number;
  updated: number;
  /** rows of this kind the seed describes */
  total: number;
}

export interface SeedReport {
  orgUnits: SeedCount;
  grids: SeedCount;
  departments: SeedCount;
  categories: SeedCount;
  timeLimits: SeedCount;
  users: SeedCount;
  memberships: SeedCount;
  gridAssignments: SeedCount;
  calendarDays: SeedCount;
  /** demo Open311 clients (seed/api-clients.ts) */
  apiClients: SeedCount;
  /** calendar years written, and which of them are provisional (generated) */
  calendarYears: { year: number; provisional: boolean }[];
  /** reference processes deployed (version 1 on a fresh database; nothing when unchanged) */
  processes: SeedCount;
  durationMs: number;
}
