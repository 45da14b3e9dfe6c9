// Reading a file from a tree nobody vetted. Only regular files are read: a FIFO named
// `package.json` blocks a plain read forever, and `.gitignore -> /dev/zero` never ends. The file is
// opened without blocking and checked on the open descriptor (no window between a check and the
// read), through symlinks too, and read up to a size cap.

import * as fs from 'node:fs';

export type ReadResult = { ok: true; text: string; bytes: Buffer; encoding: TextEncodingName } | { ok: false; reason: string; code?: string };

/** How the bytes became text: UTF-8 when they are valid UTF-8, else Latin-1 (one char per byte, so no byte is lost). */
export type TextEncodingName = 'utf8' | 'latin1';

/** A cap for the small files read only for facts (package.json, .gitignore, .prodready.yaml). */
export const FACT_FILE_MAX_BYTES = 1024 * 1024;

export function readRegularFile(file: string, maxBytes: number): ReadResult {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: `cannot read (${code ?? (error as Error).message})`, code };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: `not a regular file (${kindOf(stat)})`, code: 'ENOTREG' };
    if (stat.size > maxBytes) return { ok: false, reason: `over ${maxBytes} bytes`, code: 'EFBIG' };
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = fs.readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    const bytes = read === buffer.length ? buffer : buffer.subarray(0, read);
    const { text, encoding } = decode(bytes);
    return { ok: true, text, bytes, encoding };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: `cannot read (${code ?? (error as Error).message})`, code };
  } finally {
    fs.closeSync(fd);
  }
}

/** The text of a file's bytes, and how to turn text back into the same bytes. */
export function decode(bytes: Buffer): { text: string; encoding: TextEncodingName } {
  try {
    return { text: UTF8.decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: bytes.toString('latin1'), encoding: 'latin1' };
  }
}

/** The bytes of `text` in `encoding`, or undefined when the text holds a character the encoding cannot write. */
export function encode(text: string, encoding: TextEncodingName): Buffer | undefined {
  if (encoding === 'latin1' && /[^\u0000-\u00ff]/.test(text)) return undefined;
  return Buffer.from(text, encoding);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** The text of a small regular file, or undefined (missing, special, too large, unreadable). */
export function readFactFile(file: string, maxBytes = FACT_FILE_MAX_BYTES): string | undefined {
  const result = readRegularFile(file, maxBytes);
  return result.ok ? result.text : undefined;
}
