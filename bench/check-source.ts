// `prodready check` run from the TypeScript sources instead of the bundle, for CPU profiles whose
// frames name the source files (the bundle is one file): `node --cpu-prof --import tsx bench/check-source.ts check ...`.
import { main } from '../server/src/cli';

process.exitCode = main(process.argv.slice(2));
