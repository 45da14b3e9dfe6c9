import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes a tree of files (relative name -> text) under `root`. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}
