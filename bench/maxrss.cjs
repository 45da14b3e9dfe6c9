// Preloaded into a measured process (`node -r bench/maxrss.cjs ...`): writes its peak resident set
// size (KiB) to the file named by PRODREADY_BENCH_RSS_FILE when it exits.
'use strict';
const fs = require('node:fs');
const file = process.env.PRODREADY_BENCH_RSS_FILE;
if (file) process.on('exit', () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
