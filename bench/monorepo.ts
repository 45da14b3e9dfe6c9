// The generated monorepo of the scaling figure: 100,000 JS/TS files in packages/copy-NN/..., each a
// hard link to a file of the corpus (so it costs no disk and no copying), with the packages'
// package.json files linked too. Generated into the bench cache, never into the repository. Its
// files are the corpus's files, so its files/s compares with the corpus's as like with like: what
// differs is only how many there are.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from './cache';
import type { CorpusFile } from './corpus';

export const MONOREPO_FILES = 100_000;

export function ensureMonorepo(corpus: readonly CorpusFile[], root: string, packageDirs: readonly string[], files = MONOREPO_FILES): { dir: string; files: number; bytes: number } {
  const dir = path.join(cacheDir(), `monorepo-${files}`);
  const marker = path.join(dir, '.prodready-bench-complete');
  const copies = Math.ceil(files / corpus.length);
  const manifests = packageDirs.map((d) => path.join(d, 'package.json')).filter((f) => fs.existsSync(f));
  let bytes = 0;
  let made = 0;
  const plan: Array<[string, string]> = [];
  for (let c = 0; c < copies && made < files; c++) {
    const base = path.join(dir, 'packages', `copy-${String(c).padStart(2, '0')}`);
    for (const manifest of manifests) plan.push([manifest, path.join(base, path.relative(root, manifest))]);
    for (const file of corpus) {
      if (made >= files) break;
      plan.push([file.path, path.join(base, path.relative(root, file.path))]);
      bytes += file.bytes;
      made++;
    }
  }
  if (!fs.existsSync(marker)) {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const [from, to] of plan) {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      try {
        fs.linkSync(from, to);
      } catch {
        fs.copyFileSync(from, to); // another file system: a copy
      }
    }
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"bench-monorepo","private":true,"workspaces":["packages/*/*"]}\n');
    fs.writeFileSync(marker, `${made} files\n`);
  }
  return { dir, files: made, bytes };
}
