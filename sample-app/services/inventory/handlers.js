'use strict';
// Inventory: stock levels in a pretend database. Each handler is its own function so the editor can show
// its latency above it; the "database" calls are client spans with db.* attributes.
const { withSpan, log, SpanKind } = require('../../otel/with-span');
const { HttpError, sleep } = require('../../lib/http');

const STOCK = new Map([['apple', 120], ['pear', 40], ['plum', 8], ['fig', 0]]);
const jitter = (min, max) => min + Math.floor(Math.random() * (max - min));

async function queryStock(item) {
  return withSpan('SELECT inventory.stock', {
    kind: SpanKind.CLIENT,
    attributes: { 'db.system.name': 'sqlite', 'db.operation.name': 'SELECT', 'db.collection.name': 'stock',
      'db.query.text': 'SELECT quantity FROM stock WHERE item = ?' },
  }, async () => {
    await sleep(jitter(3, 12));
    return STOCK.get(item);
  });
}

async function getStock(item) {
  return withSpan('inventory.getStock', { attributes: { 'app.item': item } }, async () => {
    const quantity = await queryStock(item);
    if (quantity === undefined) {
      // The failing path: an unexpected error (not a clean 4xx), so the exception and its stack trace are
      // recorded on this span and on the request's span.
      log('inventory', 'ERROR', `stock lookup failed for "${item}"`, { 'app.item': item });
      throw new Error(`no stock record for item "${item}"`);
    }
    log('inventory', 'DEBUG', `stock of ${item}: ${quantity}`, { 'app.item': item, 'app.quantity': quantity });
    return { item, quantity };
  });
}

async function reserveStock(item, qty) {
  return withSpan('inventory.reserveStock', { attributes: { 'app.item': item, 'app.quantity': qty } }, async (span) => {
    const available = await queryStock(item);
    if (available === undefined) throw new HttpError(404, `unknown item "${item}"`);
    if (available < qty) {
      span.addEvent('insufficient stock', { 'app.available': available });
      throw new HttpError(409, `only ${available} ${item} left`);
    }
    await withSpan('UPDATE inventory.stock', {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'sqlite', 'db.operation.name': 'UPDATE', 'db.collection.name': 'stock',
        'db.query.text': 'UPDATE stock SET quantity = quantity - ? WHERE item = ?' },
    }, async () => {
      await sleep(jitter(4, 15));
      // stock refills in the sample so the demo runs forever
      STOCK.set(item, available - qty > 5 ? available - qty : available + 100);
    });
    log('inventory', 'INFO', `reserved ${qty} ${item}`, { 'app.item': item, 'app.quantity': qty });
    return { item, reserved: qty };
  });
}

// The slow path: a full scan, one slow query per item.
async function stockReport() {
  return withSpan('inventory.stockReport', async () => {
    const rows = [];
    for (const item of STOCK.keys()) {
      await withSpan('SELECT inventory.stock_history', {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': 'sqlite', 'db.operation.name': 'SELECT', 'db.collection.name': 'stock_history',
          'db.query.text': 'SELECT * FROM stock_history WHERE item = ? ORDER BY at' },
      }, () => sleep(jitter(90, 160)));
      rows.push({ item, quantity: STOCK.get(item) });
    }
    log('inventory', 'WARN', `stock report scanned ${rows.length} items without an index`, { 'app.rows': rows.length });
    return rows;
  });
}

module.exports = { getStock, reserveStock, stockReport, queryStock };
