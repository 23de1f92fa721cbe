/**
 * One case as the case page and its printable record read it: the case, its path through the
 * process version and that version's diagram, its history and the chain's verification. Each
 * part loads on its own, so a part that fails leaves the others readable; a case out of scope
 * (404) is "not found", never an error dump.
 */
import { computed, onBeforeUnmount, reactive, ref, watch } from 'vue';
import { useRoute } from 'vue-router';
import type { components } from '@generated/openapi/schema';
import { api, ApiError, fetchText, ok, problemText } from '../../api/client';
import { session } from '../../session/session';

export type CaseView = components['schemas']['CaseView'];
export type CasePath = components['schemas']['CasePath'];
export type CasePathVisit = components['schemas']['CasePathVisit'];
export type CaseHistoryRow = components['schemas']['CaseHistoryRow'];
export type Verification = components['schemas']['CaseAuditVerification'];
export type CaseMap = components['schemas']['CaseMap'];
export type Tier = components['schemas']['Tier'];

export interface CaseRecord {
  loading: boolean;
  notFound: boolean;
  error: string;
  view: CaseView | null;
  path: CasePath | null;
  pathError: string;
  xml: string | null;
  history: CaseHistoryRow[] | null;
  historyError: string;
  verification: Verification | null;
}

const path = (id: string) => ({ params: { path: { id } } });

export function useCaseRecord() {
  const record = reactive<CaseRecord>({ loading: true, notFound: false, error: '', view: null, path: null, pathError: '', xml: null, history: null, historyError: '', verification: null });

  async function load(id: string) {
    record.loading = true;
    record.error = '';
    record.notFound = false;
    try {
      record.view = ok(await api.GET('/api/cases/{id}', path(id)));
    } catch (e) {
      record.view = null;
      if (e instanceof ApiError && (e.problem.status === 404 || e.problem.status === 400)) record.notFound = true;
      else record.error = problemText(e);
      record.loading = false;
      return;
    }
    record.loading = false;
    await Promise.all([loadPath(id), loadHistory(id)]);
  }

  async function loadPath(id: string) {
    record.pathError = '';
    try {
      const [p, xml] = await Promise.all([api.GET('/api/cases/{id}/path', path(id)).then(ok), fetchText(`/api/cases/${encodeURIComponent(id)}/diagram`)]);
      record.path = p;
      record.xml = xml.text;
    } catch (e) {
      record.pathError = problemText(e);
    }
  }

  async function loadHistory(id: string) {
    record.historyError = '';
    try {
      const [h, v] = await Promise.all([api.GET('/api/cases/{id}/history', { params: { path: { id }, query: { format: 'json' } } }).then(ok), api.GET('/api/cases/{id}/history/verify', path(id)).then(ok)]);
      record.history = (h as { events: CaseHistoryRow[] }).events;
      record.verification = v;
    } catch (e) {
      record.historyError = problemText(e);
    }
  }

  return { record, load, loadPath, loadHistory };
}

/** The case the page's route names (:id), loaded now and again whenever the id changes. */
export function useRouteCaseRecord() {
  const route = useRoute();
  const id = computed(() => String(route.params.id));
  const { record, load } = useCaseRecord();
  watch(id, (v) => void load(v), { immediate: true });
  return { id, record, load };
}

const locale = () => (session.lang === 'en' ? 'en-GB' : 'zh-CN');

/** 2026-11-24 10:02:03 in the caller's language (Beijing time: the console is used in China). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(locale(), { hour12: false, timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** 11-24 10:02, for notes on the diagram */
export function short(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(locale(), { hour12: false, timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** Element Plus tag type of a case status. */
export function statusType(status: string): 'success' | 'info' | 'warning' | 'danger' | 'primary' {
  if (status === 'CLOSED') return 'success';
  if (['REJECTED', 'VOIDED', 'WITHDRAWN', 'MERGED'].includes(status)) return 'info';
  if (status === 'AWAITING_VERIFICATION') return 'primary';
  return 'warning';
}

/**
 * Statuses before 派遣, while the reporter may still withdraw (撤回) the report: what the API's
 * case view says in `actions` for one case; a list of one's reports shows the button by status
 * (the API decides again).
 */
export const WITHDRAWABLE = ['REPORTED', 'ACCEPTED', 'REGISTERED'];

/** Whether the screen is phone-sized (760 px or less), kept up to date while the component lives. */
export function usePhone() {
  const query = window.matchMedia('(max-width: 760px)');
  const phone = ref(query.matches);
  const changed = (e: MediaQueryListEvent) => (phone.value = e.matches);
  query.addEventListener('change', changed);
  onBeforeUnmount(() => query.removeEventListener('change', changed));
  return phone;
}
