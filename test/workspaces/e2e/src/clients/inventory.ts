const INVENTORY_URL = process.env.INVENTORY_URL ?? 'http://inventory:8080';

export async function reserveStock(sku: string, quantity: number): Promise<boolean> {
  const response = await fetch(`${INVENTORY_URL}/reservations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sku, quantity }),
  });
  return response.ok;
}

export async function stockLevel(sku: string): Promise<number> {
  const response = await fetch(`${INVENTORY_URL}/stock/${sku}`, { signal: AbortSignal.timeout(2_000) });
  const body = (await response.json()) as { available: number };
  return body.available;
}
