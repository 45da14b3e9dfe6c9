import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Writes a tree of files (relative name -> text) under `root`. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

/**
 * A fresh temporary folder per test (call `create` in `beforeEach`, `remove` in `afterEach`): `p` spells a
 * path in it with forward slashes, as the workspace index does, and `write` writes a file and returns its path.
 */
export function tempFolder(prefix: string) {
  let dir = '';
  const p = (...parts: string[]) => path.join(dir, ...parts).split(path.sep).join('/');
  return {
    get dir() {
      return dir;
    },
    p,
    write(rel: string, text: string): string {
      fs.mkdirSync(path.dirname(p(rel)), { recursive: true });
      fs.writeFileSync(p(rel), text);
      return p(rel);
    },
    create(): void {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    },
    remove(): void {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
