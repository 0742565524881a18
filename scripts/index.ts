import { main } from '../src/indexing/cli.js';
import { afterIndexJob } from '../src/saved/alerts.js';

// After each job, saved searches learn their new matches, and the summary says how many each got.
process.exitCode = await main(process.argv.slice(2), afterIndexJob);
