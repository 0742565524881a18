import { PROSE_LOSS_FLAG_SHARE, proseLoss, type Retention } from '../ingest/retention.js';

/** A document whose cleaning removed more than PROSE_LOSS_FLAG_SHARE of its prose-like words. */
export interface ProseLossFlag extends Retention {
  file: string;
  docId: string;
  /** Share of the prose-like words removed, rounded to two decimals. */
  proseRemoved: number;
}

/** One document's line of the retention report. */
export interface RetentionLine extends ProseLossFlag {
  flagged: boolean;
}

/** The retention of one cleaned document, and whether it is flagged. */
export function retentionLine(file: string, docId: string, r: Retention): RetentionLine {
  const loss = proseLoss(r);
  return { file, docId, ...r, proseRemoved: Math.round(loss * 100) / 100, flagged: loss > PROSE_LOSS_FLAG_SHARE };
}

/** The flag for a document, or null when cleaning kept enough of its prose. */
export function proseLossFlag(file: string, docId: string, r: Retention): ProseLossFlag | null {
  const { flagged, ...line } = retentionLine(file, docId, r);
  return flagged ? line : null;
}

/** What the progress output says of a flagged document. */
export function describeFlag(f: ProseLossFlag): string {
  return (
    `flagged: ${f.file}: cleaning removed ${Math.round(f.proseRemoved * 100)}% of its prose-like words ` +
    `(${f.proseWordsKept} of ${f.proseWordsIn} kept; ${f.wordsKept} of ${f.wordsIn} words in all)`
  );
}

/** The per-document report as a text table, flagged documents marked. */
export function formatReport(lines: readonly RetentionLine[]): string {
  const head = ['words in', 'kept', 'prose in', 'prose kept', 'removed', ''];
  const rows = lines.map((l) => [String(l.wordsIn), String(l.wordsKept), String(l.proseWordsIn), String(l.proseWordsKept), `${Math.round(l.proseRemoved * 100)}%`, l.flagged ? 'FLAGGED' : '']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fileWidth = Math.max(4, ...lines.map((l) => l.file.length));
  const fmt = (file: string, cells: string[]) => `${file.padEnd(fileWidth)}  ${cells.map((c, i) => c.padStart(widths[i]!)).join('  ')}`.trimEnd();
  const note = `removed: share of prose-like words cleaning left out; flagged above ${Math.round(PROSE_LOSS_FLAG_SHARE * 100)}%`;
  return [fmt('file', head), ...lines.map((l, i) => fmt(l.file, rows[i]!)), note].join('\n') + '\n';
}
