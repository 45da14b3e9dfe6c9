import pino from 'pino';

const logger = pino({ name: 'orders', level: process.env.LOG_LEVEL ?? 'info' });

export interface Order {
  id: string;
  sku: string;
  quantity: number;
}

export async function recordOrder(order: Order): Promise<void> {
  logger.info({ orderId: order.id, sku: order.sku }, 'order recorded');
  logger.info(`order ${order.id} reserved ${order.quantity} of ${order.sku}`);
}

export function reportBacklog(pending: Order[]): void {
  console.log(`backlog has ${pending.length} orders`);
}
