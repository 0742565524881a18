/**
 * The worker side of BoundedIngest: reads each file it is sent into clean documents and sends
 * them back, or the error with its message and code. It runs in a worker thread with a heap limit,
 * and the parent ends it when a file takes too long.
 */
import { parentPort } from 'node:worker_threads';
import { errorCodeOf } from '../errors.js';
import { ingestFile } from '../ingest/read-file.js';

export interface IngestRequest {
  id: number;
  file: string;
  bytes: Uint8Array;
}

export type IngestReply = { id: number; result: Awaited<ReturnType<typeof ingestFile>> } | { id: number; error: string; code: string };

/** Sent once the readers are loaded: a file's time bound counts from then, not from the worker's start. */
export type ReadyMessage = { ready: true };

parentPort?.on('message', async ({ id, file, bytes }: IngestRequest) => {
  let reply: IngestReply;
  try {
    reply = { id, result: await ingestFile(file, bytes) };
  } catch (err) {
    reply = { id, error: (err as Error).message ?? String(err), code: errorCodeOf(err) };
  }
  parentPort!.postMessage(reply);
});
parentPort?.postMessage({ ready: true } satisfies ReadyMessage);
