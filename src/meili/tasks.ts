import type { EnqueuedTask, Meilisearch, Task } from 'meilisearch';
import { TaskFailedError } from '../errors.js';

/** Long indexing jobs can take minutes; poll gently. */
const WAIT = { timeout: 30 * 60_000, interval: 100 };

/**
 * Waits for every task, in order, and throws a TaskFailedError naming the first that failed with
 * Meilisearch's own message.
 */
export async function waitAll(client: Meilisearch, tasks: readonly (EnqueuedTask | Promise<EnqueuedTask>)[]): Promise<Task[]> {
  const enqueued = await Promise.all(tasks);
  const done: Task[] = [];
  for (const t of enqueued) {
    const task = await client.tasks.waitForTask(t.taskUid, WAIT);
    if (task.status !== 'succeeded') {
      const msg = task.error ? `${task.error.code}: ${task.error.message}` : task.status;
      throw new TaskFailedError(`Meilisearch task ${task.uid} (${task.type}) ${task.status}: ${msg}`, task.error?.code ?? null);
    }
    done.push(task);
  }
  return done;
}
