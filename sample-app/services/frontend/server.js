'use strict';
require('../../otel/setup').startTelemetry('frontend'); // first: instruments node:http before it loads
const { serve } = require('../../lib/http');
const handlers = require('./handlers');

serve({
  name: 'frontend',
  port: Number(process.env.FRONTEND_PORT ?? 8080),
  routes: {
    'GET /': () => handlers.index(),
    'GET /checkout': ({ url }) => handlers.checkout(url.searchParams.get('item') || '', Number(url.searchParams.get('qty') || 1)),
    'GET /slow': () => handlers.report(),
    'GET /fail': () => handlers.failingCheckout(),
    'GET /health': () => ({ ok: true }),
  },
});
