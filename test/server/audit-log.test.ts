import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AuditLog, auditDir } from '../../src/server/audit/audit-log.js';
import { tempDir } from '../helpers.js';

const entry = (n: number) => ({ action: 'search' as const, user: 'ada', via: 'token' as const, address: '203.0.113.9', method: 'GET', path: '/api/search', params: { q: `query ${n}` }, status: 200 });

function lines(file: string): Array<Record<string, unknown>> {
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the audit trail', () => {
  it('writes one JSON line per entry with its time, in its own folder under DATA_DIR', async () => {
    const dir = tempDir();
    const log = new AuditLog(dir, { rotateBytes: 1024 * 1024 });
    log.record(entry(1));
    log.record(entry(2));
    await log.close();
    assert.equal(path.dirname(log.file), auditDir(dir));
    const written = lines(log.file);
    assert.deepEqual(written.map((l) => (l.params as { q: string }).q), ['query 1', 'query 2']);
    assert.ok(written.every((l) => typeof l.time === 'string' && !Number.isNaN(Date.parse(l.time as string))));
    assert.equal(written[0]!.user, 'ada');
  });

  it('starts a new file past the size limit and keeps every rotated file', async () => {
    const dir = tempDir();
    const log = new AuditLog(dir, { rotateBytes: 4096 });
    const lineBytes = Buffer.byteLength(JSON.stringify({ time: new Date().toISOString(), ...entry(100) })) + 1;
    const count = Math.ceil((4096 * 3) / lineBytes);
    for (let n = 100; n < 100 + count; n++) {
      log.record(entry(n));
      // One request after another, as the service records them: each line written before the next.
      await log.flush();
      await new Promise((r) => setTimeout(r, 1));
    }
    await log.close();
    const files = fs.readdirSync(auditDir(dir)).sort();
    assert.ok(files.length >= 3, files.join(', '));
    assert.ok(files.includes('audit.jsonl'));
    assert.ok(files.filter((f) => f !== 'audit.jsonl').every((f) => /^audit-\d{8}T\d{6}Z(-\d+)?\.jsonl$/.test(f)), files.join(', '));
    for (const f of files) assert.ok(fs.statSync(path.join(auditDir(dir), f)).size <= 4096, `${f} is within the limit`);
    const all = files.flatMap((f) => lines(path.join(auditDir(dir), f)).map((l) => (l.params as { q: string }).q));
    assert.equal(all.length, count, 'no line lost across rotations');
    assert.equal(new Set(all).size, count, 'no line written twice');
  });

  it('appends to the file an earlier run left, counting its size', async () => {
    const dir = tempDir();
    const first = new AuditLog(dir, { rotateBytes: 1024 * 1024 });
    first.record(entry(1));
    await first.close();
    const second = new AuditLog(dir, { rotateBytes: 1024 * 1024 });
    second.record(entry(2));
    await second.close();
    assert.deepEqual(lines(second.file).map((l) => (l.params as { q: string }).q), ['query 1', 'query 2']);
  });
});
