import axios from 'axios';

export const billing = axios.create({
  baseURL: process.env.BILLING_URL,
  timeout: 10_000,
});

export async function getQuote(sku: string) {
  const res = await fetch(`${process.env.PRICING_URL}/quotes/${sku}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  return res.json();
}

export async function slowReport() {
  // A 2-minute timeout is a decision someone made: --fix must not change it.
  return axios.get(`${process.env.REPORTS_URL}/monthly`, { timeout: 120_000 });
}

export function announce(sku: string) {
  // No structured logger here: adding one is an unsafe fix, so --fix leaves it.
  console.log(`quote requested for ${sku}`);
}
