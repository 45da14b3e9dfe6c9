import express from 'express';
import { logger } from './logger';
import { reserveStock } from './clients/inventory';
import { recordOrder } from './orders';

const app = express();
app.use(express.json());

app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});

app.post('/orders', async (req, res) => {
  const order = req.body;
  const reserved = await reserveStock(order.sku, order.quantity);
  if (!reserved) {
    res.status(409).json({ error: 'out of stock' });
    return;
  }
  await recordOrder(order);
  res.status(201).json(order);
});

const port = Number(process.env.PORT ?? 8080);
app.listen(port, () => {
  logger.info({ port }, 'orders service listening');
});
