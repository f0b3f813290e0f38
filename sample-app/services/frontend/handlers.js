'use strict';
// Frontend: the entry point a user (or load.js) calls; it fans out to the orders service.
const { withSpan, log } = require('../../otel/with-span');
const { callService, HttpError } = require('../../lib/http');

const ORDERS_URL = process.env.ORDERS_URL || `http://127.0.0.1:${process.env.ORDERS_PORT ?? 8081}`;

async function checkout(item, qty) {
  return withSpan('frontend.checkout', { attributes: { 'app.item': item, 'app.quantity': qty } }, async () => {
    if (!item) throw new HttpError(400, 'missing ?item=');
    const order = await callService(ORDERS_URL, 'POST', '/orders', { item, qty });
    log('frontend', 'INFO', `checkout ok: ${order.id}`, { 'app.order.id': order.id });
    return { ok: true, order };
  });
}

async function report() {
  return withSpan('frontend.report', () => callService(ORDERS_URL, 'GET', '/orders/report'));
}

// The failing endpoint: orders an item the inventory has no record of; inventory throws, and the error
// travels back up through orders to here.
async function failingCheckout() {
  return withSpan('frontend.failingCheckout', async () => {
    log('frontend', 'WARN', 'ordering an item that does not exist, on purpose');
    return callService(ORDERS_URL, 'POST', '/orders', { item: 'unobtainium', qty: 1 });
  });
}

function index() {
  return {
    service: 'frontend',
    endpoints: ['/checkout?item=apple&qty=2', '/slow', '/fail', '/health'],
  };
}

module.exports = { checkout, report, failingCheckout, index };
