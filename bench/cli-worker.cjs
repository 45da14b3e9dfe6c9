// `prodready check` exactly as dist/cli.js runs it (the server bundle's runCli), in a fresh process,
// timed from the call (wall and CPU), the bundle's load left out. Plain node, no loader hooks:
//   node bench/cli-worker.cjs <result.json> <cwd> check <paths...> --format json --fail-on none
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const [resultFile, cwd, ...argv] = process.argv.slice(2);
const { runCli } = require(path.join(__dirname, '..', 'dist', 'server.js'));
process.chdir(cwd);
let report = '';
const write = process.stdout.write;
process.stdout.write = (chunk) => {
  report += chunk;
  return true;
};
(async () => {
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const code = await runCli(argv);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
process.stdout.write = write;
const parsed = JSON.parse(report);
fs.writeFileSync(
  resultFile,
  JSON.stringify({
    code,
    files: parsed.summary.files,
    findings: parsed.findings.length,
    byRule: parsed.findings.reduce((acc, f) => ((acc[f.ruleId] = (acc[f.ruleId] || 0) + 1), acc), {}),
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
})();
