'use strict';
// Orders: validates an order, checks and reserves stock with the inventory service, prices it.
const { withSpan, log } = require('../../otel/with-span');
const { callService, HttpError, sleep } = require('../../lib/http');

const INVENTORY_URL = process.env.INVENTORY_URL || `http://127.0.0.1:${process.env.INVENTORY_PORT ?? 8082}`;
const PRICES = { apple: 0.5, pear: 0.8, plum: 1.2, fig: 2.5 };

function validateOrder(order) {
  if (!order || typeof order.item !== 'string' || !order.item) throw new HttpError(400, 'order needs an "item"');
  const qty = Number(order.qty ?? 1);
  if (!Number.isInteger(qty) || qty < 1 || qty > 1000) throw new HttpError(400, '"qty" must be an integer from 1 to 1000');
  return { item: order.item.toLowerCase(), qty };
}

async function priceOrder(item, qty) {
  return withSpan('orders.priceOrder', async (span) => {
    await sleep(2 + Math.floor(Math.random() * 6));
    // bulk orders (50 or more) look up a volume discount first: the slower path of the same request
    if (qty >= 50) await sleep(250 + Math.floor(Math.random() * 50));
    const total = Math.round((PRICES[item] ?? 1) * qty * 100) / 100;
    span.setAttribute('app.order.total', total);
    return total;
  });
}

async function createOrder(order) {
  return withSpan('orders.createOrder', async (span) => {
    const { item, qty } = validateOrder(order);
    span.setAttributes({ 'app.item': item, 'app.quantity': qty });
    const stock = await callService(INVENTORY_URL, 'GET', `/stock?item=${encodeURIComponent(item)}`);
    if (stock.quantity < qty) {
      log('orders', 'WARN', `not enough ${item}: ${stock.quantity} < ${qty}`, { 'app.item': item });
      throw new HttpError(409, `not enough ${item} in stock (${stock.quantity} left)`);
    }
    await callService(INVENTORY_URL, 'POST', '/reserve', { item, qty });
    const total = await priceOrder(item, qty);
    const id = `ord-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
    log('orders', 'INFO', `order ${id} created: ${qty} x ${item} = ${total}`, { 'app.order.id': id, 'app.item': item });
    return { id, item, qty, total };
  });
}

// The slow path: a report that waits on inventory's full scan, then crunches numbers.
async function salesReport() {
  return withSpan('orders.salesReport', async () => {
    const stock = await callService(INVENTORY_URL, 'GET', '/report');
    await withSpan('orders.aggregateSales', () => sleep(120 + Math.floor(Math.random() * 80)));
    const value = stock.reduce((sum, r) => sum + (PRICES[r.item] ?? 0) * r.quantity, 0);
    return { items: stock.length, stockValue: Math.round(value * 100) / 100 };
  });
}

module.exports = { createOrder, salesReport, validateOrder, priceOrder };
