const axios = require('axios');

const BILLING_URL = process.env.BILLING_URL || 'http://billing:8080';

async function charge(orderId, amountCents) {
  const { data } = await axios.post(`${BILLING_URL}/charges`, { orderId, amountCents });
  return data.chargeId;
}

async function refund(chargeId) {
  await axios.post(`${BILLING_URL}/refunds`, { chargeId }, { timeout: 5000 });
}

module.exports = { charge, refund };
