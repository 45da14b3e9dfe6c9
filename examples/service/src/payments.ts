import axios from 'axios';
import pino from 'pino';

const logger = pino({ name: 'payments' });

// Every call through this client inherits its (missing) timeout.
const payments = axios.create({
  baseURL: process.env.PAYMENTS_URL,
  headers: { 'content-type': 'application/json' },
});

export interface Order {
  id: string;
  amount: number;
  currency: string;
}

export async function createPayment(order: Order): Promise<{ id: string }> {
  logger.info(`charging ${order.amount} ${order.currency} for order ${order.id}`);
  const { data } = await payments.post('/payments', { orderId: order.id, amount: order.amount, currency: order.currency });
  return data;
}

export async function refund(paymentId: string): Promise<void> {
  await axios.post(`${process.env.PAYMENTS_URL}/refunds`, { paymentId }, { timeout: 60_000 });
  logger.info({ paymentId }, 'refund requested');
}
