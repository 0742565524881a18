import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';

type Destination = ReturnType<typeof pino.destination>;

/** One line of the audit trail. */
export interface AuditEntry {
  /** What was done: searched, opened a document, signed in or out, or another API request. */
  action: 'search' | 'open_document' | 'sign_in' | 'sign_in_failed' | 'sign_out' | 'request';
  /** The account or single-sign-on user; null when access is open (loopback, nothing configured). */
  user: string | null;
  via: 'open' | 'session' | 'token' | 'proxy' | null;
  /** The client's address (with TRUST_PROXY, the first untrusted hop). */
  address: string;
  method: string;
  path: string;
  /** Query-string parameters as sent (the search, its filters, paging). */
  params?: Record<string, string | string[]>;
  docId?: string;
  status: number;
  requestId?: string;
}

export function auditDir(dataDir: string): string {
  return path.join(dataDir, 'audit');
}

/**
 * The audit trail: who searched what and opened which document, and when, as JSON lines in
 * `DATA_DIR/audit/audit.jsonl`, apart from the request log. Policy: when the file passes
 * `rotateBytes`, it is renamed to `audit-<UTC time>.jsonl` and a new one begun; rotated files are
 * never deleted by Citable (how long to keep an audit trail is the operator's decision).
 * Lines are handed to the disk as soon as the previous write is done (never held back to fill a
 * buffer, as request-log lines are), off the request's thread: a synchronous write per request cost
 * more than the rest of the access checks together. A crash can lose only the lines still in flight;
 * a shutdown writes them all.
 */
export class AuditLog {
  readonly file: string;
  readonly #dir: string;
  readonly #rotateBytes: number;
  readonly #dest: Destination;
  #bytes: number;
  /** The file is open: before that, there is nothing to rename. */
  #open = false;
  /** Bytes handed to the writer, and bytes it reports written: equal when nothing is in flight. */
  #queued = 0;
  #written = 0;
  #waiting: Array<() => void> = [];

  constructor(dataDir: string, opts: { rotateBytes: number }) {
    this.#dir = auditDir(dataDir);
    fs.mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    this.file = path.join(this.#dir, 'audit.jsonl');
    this.#rotateBytes = opts.rotateBytes;
    this.#bytes = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0;
    this.#dest = pino.destination({ dest: this.file, sync: false, minLength: 0, append: true, mkdir: true });
    // 'ready' again after each reopen: until then, the new file may not exist yet.
    this.#dest.on('ready', () => {
      this.#open = true;
    });
    this.#dest.on('write', (n: number) => {
      this.#written += n;
      if (this.#written >= this.#queued) for (const resolve of this.#waiting.splice(0)) resolve();
    });
  }

  record(entry: AuditEntry): void {
    const line = `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`;
    const size = Buffer.byteLength(line);
    if (this.#open && this.#bytes > 0 && this.#bytes + size > this.#rotateBytes) this.#rotate();
    this.#queued += size;
    this.#dest.write(line);
    this.#bytes += size;
  }

  /** Renames the current file and starts a new one at the same path; writes in flight finish in the renamed one. */
  #rotate(): void {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    let target = path.join(this.#dir, `audit-${stamp}.jsonl`);
    for (let n = 1; fs.existsSync(target); n++) target = path.join(this.#dir, `audit-${stamp}-${n}.jsonl`);
    try {
      fs.renameSync(this.file, target);
    } catch {
      // Renamed or removed from outside: keep writing where we are; the next line tries again.
      return;
    }
    this.#open = false;
    this.#dest.reopen();
    this.#bytes = 0;
  }

  /** Resolves once every line recorded so far is written. */
  flush(): Promise<void> {
    if (this.#written >= this.#queued) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Writes every pending line, then closes the file. */
  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#dest.once('close', () => resolve());
      this.#dest.end();
    });
  }
}
