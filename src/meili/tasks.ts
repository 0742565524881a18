import { setTimeout as sleep } from 'node:timers/promises';
import type { EnqueuedTask, Meilisearch, Task } from 'meilisearch';
import { SearchUnavailableError, TaskFailedError } from '../errors.js';

/** Long indexing jobs can take minutes; poll gently. */
const WAIT = { timeoutMs: 30 * 60_000, intervalMs: 100 };
/**
 * Failed polls in a row after which Meilisearch is taken to be gone: one can be a connection reset,
 * several a second apart mean the process has stopped.
 */
const MAX_FAILED_POLLS = 5;

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Waits until a task has finished and returns it, whatever its status. Unlike the client's own
 * waitForTask, no timer outlives the wait (that one's is left running when a poll fails, and kept a
 * job's process alive for half an hour after its Meilisearch went away), and a Meilisearch that stops
 * answering fails the wait within seconds.
 */
export async function waitForTask(client: Meilisearch, taskUid: number, opts: WaitOptions = {}): Promise<Task> {
  const timeoutMs = opts.timeoutMs ?? WAIT.timeoutMs;
  const intervalMs = opts.intervalMs ?? WAIT.intervalMs;
  const deadline = Date.now() + timeoutMs;
  let failedPolls = 0;
  for (;;) {
    try {
      const task = await client.tasks.getTask(taskUid);
      failedPolls = 0;
      if (task.status !== 'enqueued' && task.status !== 'processing') return task;
    } catch (err) {
      if (++failedPolls >= MAX_FAILED_POLLS) {
        throw new SearchUnavailableError(`Meilisearch stopped answering while task ${taskUid} was pending: ${(err as Error).message}`, { cause: err });
      }
    }
    if (Date.now() > deadline) {
      throw new SearchUnavailableError(`Meilisearch task ${taskUid} did not finish within ${Math.round(timeoutMs / 1000)} s`);
    }
    await sleep(failedPolls > 0 ? Math.max(intervalMs, 1_000) : intervalMs);
  }
}

/**
 * Waits for every task, in order, and throws a TaskFailedError naming the first that failed with
 * Meilisearch's own message.
 */
export async function waitAll(client: Meilisearch, tasks: readonly (EnqueuedTask | Promise<EnqueuedTask>)[], opts: WaitOptions = {}): Promise<Task[]> {
  const enqueued = await Promise.all(tasks);
  const done: Task[] = [];
  for (const t of enqueued) {
    const task = await waitForTask(client, t.taskUid, opts);
    if (task.status !== 'succeeded') {
      const msg = task.error ? `${task.error.code}: ${task.error.message}` : task.status;
      throw new TaskFailedError(`Meilisearch task ${task.uid} (${task.type}) ${task.status}: ${msg}`, task.error?.code ?? null);
    }
    done.push(task);
  }
  return done;
}
