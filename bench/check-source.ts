// `prodready check` run from the TypeScript sources instead of the bundle, for CPU profiles whose
// frames name the source files (the bundle is one file): `node --cpu-prof --import tsx bench/check-source.ts check ...`.
import { runCli } from '../server/src/cli';

void runCli(process.argv.slice(2)).then((code) => (process.exitCode = code));
