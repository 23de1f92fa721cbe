/**
 * Timers of the engine's own making: a user task's reminders and deadline, the timers of boundary
 * and catch events, and the next firing of a cycle. A timer on the clock gets its fire time at
 * once; one on the business calendar waits (fireAt null) until the workflow has it computed.
 */
import type { BoundaryEventModel, CalendarKind, TimerSpec } from '../model';
import { clockDurationMs } from '../timers';
import type { EngineCore } from './core';
import type { Instance, TimerState } from './types';

export function armBoundaries(engine: EngineCore, inst: Instance): void {
  const el = engine.el(inst.elementId);
  if (!('boundary' in el)) return;
  for (const b of el.boundary) {
    const be = engine.el(b) as BoundaryEventModel;
    if (be.trigger.kind === 'timer' && be.trigger.timer.kind !== 'deadline') armTimer(engine, be.trigger.timer, 'boundary', inst.id, be.id, engine.now);
  }
}

export function isDeadlineBoundary(engine: EngineCore, elementId: string): boolean {
  const el = engine.model.elements[elementId];
  return !!el && el.type === 'boundaryEvent' && el.trigger.kind === 'timer' && el.trigger.timer.kind === 'deadline';
}

export function armDeadlineBoundaries(engine: EngineCore, inst: Instance): void {
  const el = engine.el(inst.elementId);
  if (!('boundary' in el) || !inst.task?.dueAt) return;
  for (const b of el.boundary) {
    const be = engine.el(b) as BoundaryEventModel;
    if (be.trigger.kind === 'timer' && be.trigger.timer.kind === 'deadline') armTimer(engine, be.trigger.timer, 'boundary', inst.id, be.id, inst.task.dueAt);
  }
}

export function addTimer(engine: EngineCore, t: { kind: TimerState['kind']; instanceId: string; elementId: string; fireAt: string | null; compute?: TimerState['compute']; repeatsLeft?: number | null; every?: TimerState['every'] }): void {
  const id = `${t.instanceId}:${t.elementId}:${engine.state.nextId++}`;
  engine.state.timers[id] = {
    id,
    fireAt: t.fireAt,
    compute: t.compute ?? null,
    kind: t.kind,
    instanceId: t.instanceId,
    elementId: t.elementId,
    repeatsLeft: t.repeatsLeft ?? 0,
    every: t.every ?? null,
    fired: 0,
  };
}

/** A timer of a boundary or catch event, `base` being now (or the deadline for deadline timers). */
export function armTimer(engine: EngineCore, spec: TimerSpec, kind: 'boundary' | 'catch', instanceId: string, elementId: string, base: string): void {
  const after = (start: string, duration: string, calendar: CalendarKind) =>
    calendar === 'CLOCK' ? { fireAt: new Date(Date.parse(start) + clockDurationMs(duration)).toISOString(), compute: null } : { fireAt: null, compute: { start, duration, calendar } };
  switch (spec.kind) {
    case 'duration':
      addTimer(engine, { kind, instanceId, elementId, ...after(base, spec.duration, spec.calendar) });
      return;
    case 'date':
      addTimer(engine, { kind, instanceId, elementId, fireAt: spec.date });
      return;
    case 'cycle': {
      const start = spec.start && spec.start > base ? spec.start : null;
      const first = start ? { fireAt: start, compute: null } : after(base, spec.duration, spec.calendar);
      addTimer(engine, { kind, instanceId, elementId, ...first, repeatsLeft: spec.repeat === null ? null : spec.repeat - 1, every: { duration: spec.duration, calendar: spec.calendar } });
      return;
    }
    case 'deadline': {
      const first = spec.offset ? after(base, spec.offset, spec.calendar) : spec.cycle ? after(base, spec.cycle, spec.calendar) : { fireAt: base, compute: null };
      const repeats = spec.cycle ? (spec.repeat === null ? null : spec.repeat - 1) : 0;
      addTimer(engine, { kind, instanceId, elementId, ...first, repeatsLeft: repeats, every: spec.cycle ? { duration: spec.cycle, calendar: spec.calendar } : null });
      return;
    }
  }
}

/** Cycles: the next firing of a timer that just fired. */
export function rearm(engine: EngineCore, t: TimerState): void {
  if (!t.every || t.repeatsLeft === 0 || !t.fireAt) return;
  const start = t.fireAt;
  const next =
    t.every.calendar === 'CLOCK'
      ? { fireAt: new Date(Date.parse(start) + clockDurationMs(t.every.duration)).toISOString(), compute: null }
      : { fireAt: null, compute: { start, duration: t.every.duration, calendar: t.every.calendar } };
  const id = `${t.instanceId}:${t.elementId}:${engine.state.nextId++}`;
  engine.state.timers[id] = { ...t, id, ...next, repeatsLeft: t.repeatsLeft === null ? null : t.repeatsLeft - 1, fired: t.fired + 1 };
}

