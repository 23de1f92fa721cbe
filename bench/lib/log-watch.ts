/** What a child process wrote to its log during a measurement (from the log's size at the start). */
import fs from 'node:fs';

export function watchLog(file: string): { since(): string } {
  let start = 0;
  try {
    start = fs.statSync(file).size;
  } catch {
    /* not written yet */
  }
  return {
    since() {
      try {
        const fd = fs.openSync(file, 'r');
        try {
          const size = fs.fstatSync(fd).size;
          const buf = Buffer.alloc(Math.max(0, size - start));
          fs.readSync(fd, buf, 0, buf.length, start);
          return buf.toString('utf8');
        } finally {
          fs.closeSync(fd);
        }
      } catch {
        return '';
      }
    },
  };
}

/** Activity failures in a worker log (the SDK's `Activity failed` warnings), by activity type and cause. */
export function activityFailures(text: string): { count: number; deadlocks: number; byType: Record<string, number> } {
  const byType: Record<string, number> = {};
  let count = 0;
  let deadlocks = 0;
  // each warning is a block starting with `[WARN] Activity failed {` and holding activityType and the error
  for (const block of text.split(/\[WARN\] Activity failed/).slice(1)) {
    count += 1;
    const type = /activityType: '([^']+)'/.exec(block)?.[1] ?? 'unknown';
    byType[type] = (byType[type] ?? 0) + 1;
    if (/deadlock|P2034|write conflict/i.test(block.split(/\n\d{4}-\d\d-\d\dT/)[0])) deadlocks += 1;
  }
  return { count, deadlocks, byType };
}
