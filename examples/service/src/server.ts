import express from 'express';
import { createPayment } from './payments';
import { loadInventory } from './inventory';

const app = express();
app.use(express.json());

app.get('/orders/:id', async (req, res) => {
  const response = await fetch(`${process.env.ORDERS_DB_URL}/orders/${req.params.id}`);
  if (!response.ok) {
    console.error(`order ${req.params.id} lookup failed with ${response.status}`);
    res.status(502).json({ error: 'upstream' });
    return;
  }
  res.json(await response.json());
});

app.post('/orders', async (req, res) => {
  const order = req.body;
  const stock = await loadInventory(order.sku);
  if (stock < order.quantity) {
    res.status(409).json({ error: 'out of stock' });
    return;
  }
  const payment = await createPayment(order);
  console.log(`order ${order.id} paid with ${payment.id}`);
  res.status(201).json({ order, payment });
});

const port = Number(process.env.PORT ?? 8080);
app.listen(port, () => {
  console.log(`orders service listening on ${port}`);
});
