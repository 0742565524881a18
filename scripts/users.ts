import { main } from '../src/accounts/cli.js';
import { terminalIo } from '../src/accounts/terminal.js';

process.exitCode = await main(process.argv.slice(2), terminalIo());
