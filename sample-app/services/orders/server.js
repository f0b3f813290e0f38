'use strict';
require('../../otel/setup').startTelemetry('orders'); // first: instruments node:http before it loads
const { serve } = require('../../lib/http');
const handlers = require('./handlers');

serve({
  name: 'orders',
  port: Number(process.env.ORDERS_PORT ?? 8081),
  routes: {
    'POST /orders': async ({ body }) => ({ status: 201, body: await handlers.createOrder(body) }),
    'GET /orders/report': () => handlers.salesReport(),
    'GET /health': () => ({ ok: true }),
  },
});
