import pRetry from 'p-retry';
import CircuitBreaker from 'opossum';
import { config } from './config';

async function fetchPrice(sku: string): Promise<number> {
  const response = await fetch(`${config.PRICING_URL}/prices/${encodeURIComponent(sku)}`, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`pricing answered ${response.status}`);
  const body = (await response.json()) as { price: number };
  return body.price;
}

const breaker = new CircuitBreaker((sku: string) => pRetry(() => fetchPrice(sku), { retries: 3, factor: 2, minTimeout: 100 }), {
  timeout: 5000,
  errorThresholdPercentage: 50,
  resetTimeout: 30000,
});

export function priceOf(sku: string): Promise<number> {
  return breaker.fire(sku);
}
