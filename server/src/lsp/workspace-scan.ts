// Scope "workspace": every analysable file of a folder in the Problems panel, not just the open
// ones. The scan reads files in small batches and yields to the event loop between them, so an
// open document's diagnostics never wait behind it.

import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver/node';
import { collectFiles, toPosix } from '../engine/files';
import { readRegularFile } from '../engine/safe-read';

/** Above the largest prodready.maxFileSizeKb worth reading: larger files get their notice from the engine's own check. */
const MAX_SCAN_BYTES = 64 * 1024 * 1024;
import { classify } from '../engine/classify';

export interface ScanHost {
  /** Diagnostics for a file on disk, with the settings of its folder. */
  diagnose(folder: string, filePath: string, text: string): Promise<Diagnostic[]>;
  publish(uri: string, diagnostics: Diagnostic[]): void;
  isOpen(uri: string): boolean;
}

const BATCH = 25;

export class WorkspaceScanner {
  /** Files whose diagnostics came from disk, per folder. */
  private readonly published = new Map<string, Set<string>>();
  private generation = new Map<string, number>();

  constructor(private readonly host: ScanHost) {}

  /** Scans a folder; a newer scan of the same folder makes an older one stop. */
  async scanFolder(folder: string): Promise<{ files: number; withFindings: number }> {
    const generation = (this.generation.get(folder) ?? 0) + 1;
    this.generation.set(folder, generation);
    let files: string[];
    try {
      files = collectFiles([folder], folder);
    } catch {
      return { files: 0, withFindings: 0 };
    }
    let analysed = 0;
    let withFindings = 0;
    for (let i = 0; i < files.length; i += BATCH) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.generation.get(folder) !== generation) break;
      for (const file of files.slice(i, i + BATCH)) {
        const count = await this.checkFile(folder, file);
        if (count >= 0) analysed++;
        if (count > 0) withFindings++;
      }
    }
    return { files: analysed, withFindings };
  }

  /** Re-checks one file from disk (created or changed, or closed in the editor). -1 when not analysed. */
  async checkFile(folder: string, file: string): Promise<number> {
    const uri = pathToFileURL(file).href;
    if (this.host.isOpen(uri)) return -1;
    const read = readRegularFile(file, MAX_SCAN_BYTES);
    if (!read.ok) {
      this.forget(folder, uri);
      return -1;
    }
    const text = read.text;
    if (!classify(file, text.slice(0, 65536))) return -1;
    const diagnostics = await this.host.diagnose(folder, toPosix(file), text);
    const seen = this.published.get(folder) ?? new Set<string>();
    this.published.set(folder, seen);
    if (diagnostics.length > 0 || seen.has(uri)) this.host.publish(uri, diagnostics);
    if (diagnostics.length > 0) seen.add(uri);
    else seen.delete(uri);
    return diagnostics.length;
  }

  /** A file was deleted (or renamed away): its diagnostics go with it. */
  fileDeleted(folder: string, file: string): void {
    this.forget(folder, pathToFileURL(file).href);
  }

  /** Clears everything a folder's scan published (scope back to open files, folder removed). */
  clear(folder: string): void {
    this.generation.set(folder, (this.generation.get(folder) ?? 0) + 1);
    for (const uri of this.published.get(folder) ?? []) if (!this.host.isOpen(uri)) this.host.publish(uri, []);
    this.published.delete(folder);
  }

  private forget(folder: string, uri: string): void {
    if (this.published.get(folder)?.delete(uri)) this.host.publish(uri, []);
  }
}
