// The 5,000-line TypeScript file the edit latency is measured on: real TypeScript from the corpus
// (whole files, concatenated) around a generated service module with the calls prodready looks at
// (fetch/axios with and without timeouts, console logging, a SIGTERM handler), and the function the
// typing happens in placed in the middle.

import * as fs from 'node:fs';
import { countLines, type CorpusFile } from './corpus';
import { ParsedDocument } from '../server/src/engine/document';
import { fileRole } from '../server/src/engine/model/file-role';
import { NO_WORKSPACE_FACTS } from '../server/src/engine/workspace-facts';

export const EDIT_FILE_LINES = 5000;

export interface EditFile {
  text: string;
  /** Where the typing happens: an empty line inside a function body, 0-based. */
  line: number;
  character: number;
}

function serviceHeader(): string {
  return `import axios from 'axios';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const BASE_URL = process.env.ORDERS_URL ?? 'http://orders.internal:8080';
const logger = { info: (o: object, m: string) => console.log(JSON.stringify({ ...o, msg: m })) };

interface Order {
  id: string;
  total: number;
  items: Array<{ sku: string; quantity: number }>;
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: true, path: req.url }));
});
server.listen(8080);

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
});
`;
}

function serviceFunction(i: number): string {
  switch (i % 3) {
    case 0:
      return `
export async function fetchOrder${i}(id: string): Promise<Order> {
  const started = Date.now();
  const res = await fetch(\`\${BASE_URL}/orders/\${id}\`, { headers: { accept: 'application/json' } });
  if (!res.ok) {
    console.error('order lookup failed', id, res.status);
    throw new Error(\`order \${id}: \${res.status}\`);
  }
  logger.info({ id, ms: Date.now() - started }, 'order fetched');
  return (await res.json()) as Order;
}
`;
    case 1:
      return `
export async function listOrders${i}(customer: string, page = 1): Promise<Order[]> {
  const { data } = await axios.get<Order[]>(\`\${BASE_URL}/customers/\${customer}/orders\`, {
    params: { page, limit: 50 },
    timeout: 5000,
  });
  logger.info({ customer, page, count: data.length }, 'orders listed');
  return data;
}
`;
    default:
      return `
export async function cancelOrder${i}(id: string, reason: string): Promise<void> {
  const res = await axios.post(\`\${BASE_URL}/orders/\${id}/cancel\`, { reason });
  console.log('order cancelled', id, res.status);
}
`;
  }
}

const TARGET = `
export function typingTarget(order: Order): number {
  let total = 0;
  for (const item of order.items) total += item.quantity;

  return total;
}
`;

/** Roles whose files every JS rule reads. */
const SERVICE_ROLES = new Set(['service']);

/** Real TS sources first (TypeScript syntax), then JS, deterministic order. */
export function makeEditFile(corpus: readonly CorpusFile[]): EditFile {
  const sources = [...corpus]
    .filter((f) => f.lines >= 30 && f.lines <= 600)
    .sort((a, b) => Number(/\.[cm]?tsx?$/.test(b.path)) - Number(/\.[cm]?tsx?$/.test(a.path)) || a.path.localeCompare(b.path));
  const parts: string[] = [serviceHeader()];
  let lines = countLines(parts[0]) - 1;
  let target = -1;
  let generated = 0;
  const budget = EDIT_FILE_LINES - 200; // room for generated padding at the end
  for (const source of sources) {
    if (target < 0 && lines >= EDIT_FILE_LINES / 2) {
      target = lines + 4; // the empty line in TARGET (after its leading newline, signature, two statements)
      parts.push(TARGET);
      lines += countLines(TARGET) - 1;
    }
    if (lines + source.lines > budget) continue;
    const text = fs.readFileSync(source.path, 'utf8').replace(/\r\n/g, '\n');
    // A test or browser source would make the whole file a test (or browser) file, which most rules
    // skip: the edit row would then measure a file the rules do not read.
    if (!SERVICE_ROLES.has(fileRole(new ParsedDocument({ path: source.path, relativePath: source.path, text, kind: 'js' }), NO_WORKSPACE_FACTS).role)) continue;
    const block = `\n// ---- ${source.path.split('/').slice(-3).join('/')}\n${text.endsWith('\n') ? text : `${text}\n`}`;
    parts.push(block);
    lines += countLines(block) - 1;
  }
  if (target < 0) {
    while (lines < EDIT_FILE_LINES / 2) {
      const fn = serviceFunction(generated++);
      parts.push(fn);
      lines += countLines(fn) - 1;
    }
    target = lines + 4;
    parts.push(TARGET);
    lines += countLines(TARGET) - 1;
  }
  for (;;) {
    const fn = serviceFunction(generated++);
    const n = countLines(fn) - 1;
    if (lines + n > EDIT_FILE_LINES) break;
    parts.push(fn);
    lines += n;
  }
  let text = parts.join('');
  while (countLines(text) - 1 < EDIT_FILE_LINES) text += '// end of generated service\n';
  if (text.split('\n')[target].trim() !== '') throw new Error('edit file: the typing target is not where it should be');
  return { text, line: target, character: 2 };
}
