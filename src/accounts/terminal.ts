import readline from 'node:readline';
import { Writable } from 'node:stream';
import { CitableError } from '../errors.js';
import type { CliIo } from './cli.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks a question on the terminal; the typed answer is not echoed. */
function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) return Promise.reject(new CitableError('invalid_config', 'No terminal to ask for a password on; use --password-stdin'));
  process.stderr.write(question);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = readline.createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** The real terminal, for scripts/users.ts. */
export function terminalIo(): CliIo {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: () => readAll(process.stdin),
    promptHidden,
  };
}
