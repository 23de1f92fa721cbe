/**
 * The checks of what callers send the case workflow (actor, place, text), and engine refusals
 * turned into update failures: ApplicationFailures the API maps to 4xx, never retried.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { CasePlace } from './case-api';
import { EngineError, type Actor } from '../process/engine';

/** A non-retryable failure of an update: the caller's input was refused. */
export const refused = (type: string, message: string) => ApplicationFailure.create({ message, type, nonRetryable: true });

export function asFailure(e: unknown): unknown {
  if (e instanceof EngineError) return refused(e.code, e.message);
  return e;
}

export function checkActor(actor: unknown): asserts actor is Actor {
  const a = actor as Actor | undefined;
  if (!a || typeof a !== 'object' || typeof a.name !== 'string' || !a.name || (a.userId !== null && !Number.isInteger(a.userId))) {
    throw refused('BAD_INPUT', 'actor must be { userId: integer | null, name: string }');
  }
}

export function checkPlace(place: unknown, districtId: number): asserts place is CasePlace {
  const p = place as CasePlace | undefined;
  const ints = (...xs: unknown[]) => xs.every((x) => Number.isInteger(x));
  const finite = (...xs: unknown[]) => xs.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!p || typeof p !== 'object' || !p.units || !p.sent || typeof p.orgPath !== 'string' || !ints(p.gridId, p.units.TOWNSHIP, p.units.VILLAGE, p.units.GRID) || !finite(p.lat, p.lng, p.sent.lat, p.sent.lng)) {
    throw refused('LOCATION_REQUIRED', 'this case was reported without a point: place it (data.location) to complete the task');
  }
  if (!p.orgPath.includes(`/${districtId}/`)) {
    throw refused('OUTSIDE_DISTRICT', "the point lies outside the case's district");
  }
}

export function checkText(value: unknown, field: string, max = 2000): void {
  if (typeof value !== 'string' || !value.trim() || value.length > max) {
    throw refused('BAD_INPUT', `${field} must be a non-empty string of at most ${max} characters`);
  }
}

/** Runs an engine validator, its refusal as an update failure. */
export function validate(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    throw asFailure(e);
  }
}
