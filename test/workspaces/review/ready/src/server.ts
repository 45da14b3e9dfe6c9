import express from 'express';
import pinoHttp from 'pino-http';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { initialize } from 'unleash-client';
import { config } from './config';
import { logger } from './logger';
import { registry, httpDuration } from './metrics';
import { priceOf } from './pricing';

const pool = new Pool({ connectionString: config.DATABASE_URL, connectionTimeoutMillis: 2000, statement_timeout: 5000 });
const flags = initialize({ url: config.UNLEASH_URL, appName: 'catalog-api', customHeaders: { Authorization: config.UNLEASH_TOKEN } });

const app = express();
app.use(pinoHttp({ logger, genReqId: (req) => req.headers['x-request-id'] ?? randomUUID() }));
app.use((req, res, next) => {
  const end = httpDuration.startTimer();
  res.on('finish', () => end({ route: req.route?.path ?? 'unmatched', status: res.statusCode }));
  next();
});

app.get('/healthz', (_req, res) => {
  res.send('ok');
});

app.get('/readyz', async (_req, res) => {
  try {
    await pool.query('SELECT 1');
    res.send('ready');
  } catch (error) {
    res.status(503).send('not ready');
  }
});

app.get('/metrics', async (_req, res) => {
  res.type(registry.contentType).send(await registry.metrics());
});

app.get('/items/:sku', async (req, res) => {
  const { rows } = await pool.query('SELECT sku, name FROM items WHERE sku = $1', [req.params.sku]);
  if (rows.length === 0) {
    res.status(404).end();
    return;
  }
  const price = flags.isEnabled('live-pricing') ? await priceOf(req.params.sku) : undefined;
  res.json({ ...rows[0], price });
});

const server = app.listen(config.PORT, () => {
  logger.info({ port: config.PORT }, 'catalog-api listening');
});

process.on('SIGTERM', () => {
  logger.info('SIGTERM received, draining');
  server.close(() => {
    void pool.end().then(() => process.exit(0));
  });
});
