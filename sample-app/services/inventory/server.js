'use strict';
require('../../otel/setup').startTelemetry('inventory'); // first: instruments node:http before it loads
const { serve, HttpError } = require('../../lib/http');
const handlers = require('./handlers');

serve({
  name: 'inventory',
  port: Number(process.env.INVENTORY_PORT ?? 8082),
  routes: {
    'GET /stock': ({ url }) => handlers.getStock(url.searchParams.get('item') || ''),
    'POST /reserve': ({ body }) => {
      if (!body || typeof body.item !== 'string' || !Number.isInteger(body.qty) || body.qty < 1) {
        throw new HttpError(400, 'expected {"item": string, "qty": positive integer}');
      }
      return handlers.reserveStock(body.item, body.qty);
    },
    'GET /report': () => handlers.stockReport(),
    'GET /health': () => ({ ok: true }),
  },
});
