/**
 * New tasks since the console was opened (the event stream's `task` events with change `new`),
 * until the person opens them or marks them seen: the count is the sound-free badge on the inbox
 * in the navigation, the ids mark the rows.
 */
import { reactive } from 'vue';
import { onStreamEvent } from '../../api/events';

export const newTasks = reactive({ ids: [] as string[] });

/** Starts counting (App.vue, for the roles with an inbox); returns the way to stop. */
export function trackNewTasks(): () => void {
  const stop = onStreamEvent('task', (d) => {
    const data = d as { change?: string; task?: { id?: string; state?: string } };
    const id = data.task?.id;
    if (!id) return;
    if (data.change === 'new' && data.task?.state === 'OPEN' && !newTasks.ids.includes(id)) newTasks.ids.push(id);
    // taken or finished meanwhile (by someone else too): no longer new
    else if (data.change === 'changed' && data.task?.state !== 'OPEN') seen(id);
  });
  return () => {
    stop();
    newTasks.ids = [];
  };
}

export function seen(id: string): void {
  const i = newTasks.ids.indexOf(id);
  if (i >= 0) newTasks.ids.splice(i, 1);
}

export function seenAll(): void {
  newTasks.ids = [];
}
