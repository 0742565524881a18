import { main } from '../src/indexing/cli.js';

process.exitCode = await main(process.argv.slice(2));
