'use strict';

const got = require('got');

/** Reads the stock level of a SKU from the inventory service. */
async function loadInventory(sku) {
  const body = await got(`${process.env.INVENTORY_URL}/stock/${encodeURIComponent(sku)}`).json();
  return body.available;
}

module.exports = { loadInventory };
