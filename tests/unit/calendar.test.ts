import { buildCalendar, generateHolidayPlan, lunarDates, officialYears } from '../../seed/calendar';
import type { CalendarRow } from '../../seed/calendar';

const rows = buildCalendar([2026, 2027]);
const byDate = new Map(rows.map((r) => [r.date, r]));
const day = (d: string): CalendarRow => {
  const r = byDate.get(d);
  if (!r) throw new Error(`no row for ${d}`);
  return r;
};

describe('business calendar (seed/calendar)', () => {
  it('has one row per day of each year, in order', () => {
    expect(rows.length).toBe(365 + 365);
    expect(rows[0].date).toBe('2026-01-01');
    expect(rows[rows.length - 1].date).toBe('2027-12-31');
    for (let i = 1; i < rows.length; i++) expect(rows[i].date > rows[i - 1].date).toBe(true);
    expect(buildCalendar([2027, 2026, 2026]).map((r) => r.date)).toEqual(rows.map((r) => r.date));
  });

  it('takes 2026 from the official schedule (chinese-days) and generates 2027', () => {
    expect(officialYears()).toContain(2026);
    expect(officialYears()).not.toContain(2027);
    expect(rows.filter((r) => r.date.startsWith('2026')).every((r) => !r.provisional)).toBe(true);
    expect(rows.filter((r) => r.date.startsWith('2027')).every((r) => r.provisional)).toBe(true);
  });

  it('2026 National Day: 10/1–10/7 off, make-up Sunday 9/20 and Saturday 10/10 are working days', () => {
    for (let d = 1; d <= 7; d++) {
      const r = day(`2026-10-0${d}`);
      expect(r).toMatchObject({ isWorkingDay: false, kind: 'HOLIDAY', note: '国庆节' });
    }
    expect(day('2026-10-08')).toMatchObject({ isWorkingDay: true, kind: 'WORKDAY', note: null });
    expect(day('2026-09-20')).toMatchObject({ isWorkingDay: true, kind: 'ADJUSTED_WORKDAY', note: '国庆节调休上班' });
    expect(day('2026-10-10')).toMatchObject({ isWorkingDay: true, kind: 'ADJUSTED_WORKDAY', note: '国庆节调休上班' });
    expect(day('2026-10-11')).toMatchObject({ isWorkingDay: false, kind: 'WEEKEND' });
    // 中秋节 2026 is separate: Fri 9/25 – Sun 9/27
    for (const d of ['2026-09-25', '2026-09-26', '2026-09-27']) expect(day(d)).toMatchObject({ kind: 'HOLIDAY', note: '中秋节' });
  });

  it('2026 other official holidays', () => {
    expect(day('2026-01-01').note).toBe('元旦');
    expect(day('2026-01-04')).toMatchObject({ isWorkingDay: true, kind: 'ADJUSTED_WORKDAY', note: '元旦调休上班' });
    for (let d = 15; d <= 23; d++) expect(day(`2026-02-${d}`)).toMatchObject({ isWorkingDay: false, note: '春节' });
    expect(day('2026-02-14').kind).toBe('ADJUSTED_WORKDAY');
    expect(day('2026-02-28').kind).toBe('ADJUSTED_WORKDAY');
    expect(day('2026-04-05').note).toBe('清明节');
    expect(day('2026-05-09').kind).toBe('ADJUSTED_WORKDAY');
    expect(day('2026-06-19').note).toBe('端午节');
  });

  it('weekends are non-working unless they are make-up days; weekdays working unless holidays', () => {
    for (const r of rows) {
      const wd = new Date(`${r.date}T00:00:00Z`).getUTCDay();
      const weekend = wd === 0 || wd === 6;
      if (r.kind === 'WEEKEND') expect(weekend).toBe(true);
      if (r.kind === 'WORKDAY') expect(weekend).toBe(false);
      if (r.kind === 'ADJUSTED_WORKDAY') expect(weekend).toBe(true);
      expect(r.isWorkingDay).toBe(r.kind === 'WORKDAY' || r.kind === 'ADJUSTED_WORKDAY');
      expect(r.note === null).toBe(r.kind === 'WORKDAY' || r.kind === 'WEEKEND');
    }
    expect(day('2026-11-21')).toMatchObject({ isWorkingDay: false, kind: 'WEEKEND' }); // a Saturday
    expect(day('2026-11-23')).toMatchObject({ isWorkingDay: true, kind: 'WORKDAY' }); // a Monday
  });

  it('2027 Spring Festival follows the lunar calendar: 除夕 2027-02-05, 春节 2027-02-06', () => {
    const l = lunarDates(2027);
    expect(l.chuxi).toBe('2027-02-05');
    expect(day('2027-02-05')).toMatchObject({ isWorkingDay: false, kind: 'HOLIDAY', note: '春节', provisional: true });
    expect(day('2027-02-06')).toMatchObject({ isWorkingDay: false, kind: 'HOLIDAY', note: '春节', provisional: true });
    expect(day('2027-02-04')).toMatchObject({ isWorkingDay: true });
    // other lunar / solar-term holidays of 2027
    expect(l).toEqual({ chuxi: '2027-02-05', qingming: '2027-04-05', duanwu: '2027-06-09', zhongqiu: '2027-09-15' });
    expect(day('2027-04-05').note).toBe('清明节');
    expect(day('2027-06-09').note).toBe('端午节');
    expect(day('2027-09-15').note).toBe('中秋节');
  });

  it('2027 fixed-date holidays and their make-up days', () => {
    expect(day('2027-01-01')).toMatchObject({ kind: 'HOLIDAY', note: '元旦' }); // Friday: Fri–Sun
    expect(day('2027-01-03')).toMatchObject({ kind: 'HOLIDAY', note: '元旦' });
    for (let d = 1; d <= 5; d++) expect(day(`2027-05-0${d}`)).toMatchObject({ kind: 'HOLIDAY', note: '劳动节' });
    for (let d = 1; d <= 7; d++) expect(day(`2027-10-0${d}`)).toMatchObject({ kind: 'HOLIDAY', note: '国庆节' });
    expect(day('2027-10-08').isWorkingDay).toBe(true);
    // 7 days, 3 statutory, 2 weekend days → 2 make-up days: the nearest weekend days around it
    expect(day('2027-09-26')).toMatchObject({ isWorkingDay: true, kind: 'ADJUSTED_WORKDAY', note: '国庆节调休上班' });
    expect(day('2027-10-09')).toMatchObject({ isWorkingDay: true, kind: 'ADJUSTED_WORKDAY', note: '国庆节调休上班' });
    // every block is paid for: days off = 13 statutory days (2025 rules) + the weekend days
    // inside the blocks (a statutory day on a weekend is compensated) + the make-up days
    const y2027 = rows.filter((r) => r.date.startsWith('2027'));
    const isWeekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
    const holidays = y2027.filter((r) => r.kind === 'HOLIDAY');
    const makeUp = y2027.filter((r) => r.kind === 'ADJUSTED_WORKDAY');
    expect(holidays.length).toBe(13 + holidays.filter((r) => isWeekend(r.date)).length + makeUp.length);
  });

  it('the generation rule reproduces official schedules (2025 exactly, 2026 National Day)', () => {
    const official = buildCalendar([2025, 2026]);
    for (const y of [2025, 2026]) {
      const plan = generateHolidayPlan(y);
      for (const r of official.filter((x) => x.date.startsWith(String(y)))) {
        if (y === 2026 && !(r.date >= '2026-09-01' && r.date <= '2026-10-31')) continue;
        expect([r.date, plan.holidays.has(r.date)]).toEqual([r.date, r.kind === 'HOLIDAY']);
        expect([r.date, plan.workdays.has(r.date)]).toEqual([r.date, r.kind === 'ADJUSTED_WORKDAY']);
      }
    }
  });
});

