// Which user function each framework span is for. The framework instrumentations start their spans before
// calling the user's middleware or handler, so the stack at span start holds no application frame; these
// hooks tell codeAttributes.ts which function is about to run:
// - Express: around each patched layer (router.use / app.use / router.route), the layer's own function, or
//   for a route the handler of the request's method; each route handler also claims the request handler span.
// - Koa: the instrumentation's requestHook receives the original middleware function.
// - Fastify: an onRoute hook (added through the 'fastify.initialization' channel before @fastify/otel's) wraps
//   each route handler, so inside @fastify/otel's handler span the handler claims it.
import * as dc from 'node:diagnostics_channel';
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { claimForHandler, claimSpan, isFrameworkSpan, withHandler } from './codeAttributes';
import { HANDLER_TARGET, unwrap } from './functionLocation';

const kAttributed = Symbol('traceExplorerAttributed');

/** The HTTP server span of the request being handled, if the active context has one. */
export function activeServerSpan(): object | undefined {
  return getRPCMetadata(context.active())?.span;
}

type Fn = (...args: unknown[]) => unknown;

/** @fastify/otel keeps its per-request span under a symbol of the request: point it at the route handler. */
function claimFastifyRequestSpan(request: unknown, fn: Function): void {
  if (!request || typeof request !== 'object') return;
  for (const sym of Object.getOwnPropertySymbols(request)) {
    const v = (request as Record<symbol, unknown>)[sym];
    if (isFrameworkSpan(v)) claimSpan(v as object, fn);
  }
}

interface ReflectMetadata {
  getMetadataKeys?: (target: object) => unknown[];
  getMetadata?: (key: unknown, target: object) => unknown;
  defineMetadata?: (key: unknown, value: unknown, target: object) => void;
}

/** Nest reads decorator metadata (reflect-metadata) off the functions it is given: keep it on wrappers. */
function copyMetadata(from: object, to: object): void {
  const r = Reflect as unknown as ReflectMetadata;
  if (typeof r.getMetadataKeys !== 'function' || typeof r.getMetadata !== 'function' || typeof r.defineMetadata !== 'function') return;
  for (const key of r.getMetadataKeys(from)) r.defineMetadata(key, r.getMetadata(key, from), to);
}

/** A wrapper with fn's name and arity (frameworks read both), that lets fn claim the span it runs in. */
function claiming(fn: Fn, route: boolean, fastify = false): Fn {
  const wrapped = function (this: unknown, ...args: unknown[]) {
    try {
      claimForHandler(trace.getActiveSpan(), fn, route, activeServerSpan());
      if (fastify) claimFastifyRequestSpan(args[0], fn);
    } catch {
      // attribution must never break the request
    }
    return fn.apply(this, args);
  };
  Object.defineProperty(wrapped, 'length', { value: fn.length });
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  (wrapped as unknown as { __original: Fn }).__original = fn;
  (wrapped as unknown as Record<symbol, boolean>)[kAttributed] = true;
  return wrapped;
}

interface ExpressLayer {
  handle: Fn;
  route?: { stack?: Array<{ handle: Fn; method?: string }> };
}

/** The function of a route that answers this method (the last one: earlier ones are route-level middleware). */
function routeHandler(route: NonNullable<ExpressLayer['route']>, method: string | undefined): Function | undefined {
  const m = (method ?? '').toLowerCase();
  const stack = route.stack ?? [];
  for (let i = stack.length - 1; i >= 0; i--) {
    const l = stack[i];
    if (!l.method || l.method === m) return unwrap(l.handle);
  }
  return undefined;
}

function claimRouteStack(route: NonNullable<ExpressLayer['route']>): void {
  const stack = route.stack ?? [];
  for (const l of stack) {
    const h = l.handle as Fn & Record<symbol, boolean>;
    if (typeof h === 'function' && !h[kAttributed] && h.length < 4) l.handle = claiming(h, true);
  }
}

/** Wraps ExpressInstrumentation's per-layer patch so the user function is known while its span starts. */
export function attributeExpress(instrumentation: object): void {
  const inst = instrumentation as { _applyPatch?: (layer: ExpressLayer, path: unknown) => void };
  const applyPatch = inst._applyPatch;
  if (typeof applyPatch !== 'function') return;
  inst._applyPatch = function (this: unknown, layer: ExpressLayer, layerPath: unknown) {
    applyPatch.call(this, layer, layerPath);
    const patched = layer.handle as Fn & Record<symbol, boolean>;
    if (typeof patched !== 'function' || patched[kAttributed] || patched.length > 3) return;
    const own = unwrap(patched);
    const wrapper = function (this: unknown, ...args: unknown[]) {
      const route = layer.route;
      let target: Function | undefined = own;
      if (route) {
        claimRouteStack(route);
        target = routeHandler(route, (args[0] as { method?: string } | undefined)?.method);
      }
      return target ? withHandler(target, !!route, () => patched.apply(this, args)) : patched.apply(this, args);
    };
    Object.defineProperty(wrapper, 'length', { value: patched.length });
    (wrapper as unknown as { __original: Fn }).__original = patched;
    (wrapper as unknown as Record<symbol, boolean>)[kAttributed] = true;
    layer.handle = wrapper;
  };
}

interface LayerLike extends ExpressLayer {
  method?: string;
}

/**
 * Locations mode: the app's own ExpressInstrumentation starts each layer's span inside the layer's handle
 * call, so Express's Layer (router 2's handleRequest, Express 4's handle_request) is patched to make the
 * layer's function current around that call; a layer of a route's stack (it has a `method` key) is a route
 * handler and claims the request-handler span it runs in.
 */
export function attributeExpressLayers(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Hook } = require('require-in-the-middle') as { Hook: new (names: string[], opts: object, cb: (exports: unknown, name: string) => unknown) => unknown };
  const files: Record<string, string> = { 'router/lib/layer.js': 'handleRequest', 'express/lib/router/layer.js': 'handle_request' };
  const normal = (n: string) => n.split('\\').join('/');
  new Hook(['router', 'express'], { internals: true }, (exports, name) => {
    const method = files[normal(name)];
    const proto = (exports as { prototype?: Record<string, unknown> } | undefined)?.prototype;
    if (!method || !proto || typeof proto[method] !== 'function' || (proto[method] as unknown as Record<symbol, boolean>)[kAttributed]) return exports;
    const original = proto[method] as Fn;
    const patched = function (this: LayerLike, ...args: unknown[]) {
      let target: Function | undefined;
      let route = false;
      try {
        const handle = this.handle;
        if (typeof handle === 'function' && handle.length <= 3) {
          if (Object.prototype.hasOwnProperty.call(this, 'method')) {
            claimForHandler(trace.getActiveSpan(), unwrap(handle), true, activeServerSpan());
          } else {
            route = !!this.route;
            target = this.route ? routeHandler(this.route, (args[0] as { method?: string } | undefined)?.method) : unwrap(handle);
          }
        }
      } catch {
        target = undefined; // attribution must never break the request
      }
      return target ? withHandler(target, route, () => original.apply(this, args)) : original.apply(this, args);
    };
    (patched as unknown as Record<symbol, boolean>)[kAttributed] = true;
    proto[method] = patched;
    return exports;
  });
}

/**
 * Locations mode, Koa: the app's KoaInstrumentation replaces each middleware by a span-starting wrapper before
 * Koa sees it, so its `_patchLayer` is wrapped (caught when the app requires the instrumentation package) to
 * make the original middleware current while the wrapper starts its span.
 */
export function attributeAppKoaInstrumentation(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Hook } = require('require-in-the-middle') as { Hook: new (names: string[], opts: object, cb: (exports: unknown, name: string) => unknown) => unknown };
  new Hook(['@opentelemetry/instrumentation-koa'], {}, (exports) => {
    try {
      const proto = (exports as { KoaInstrumentation?: { prototype?: Record<string, unknown> } })?.KoaInstrumentation?.prototype;
      const patchLayer = proto?._patchLayer as (Fn & Record<symbol, boolean>) | undefined;
      if (!proto || typeof patchLayer !== 'function' || patchLayer[kAttributed]) return exports;
      const wrapped = function (this: unknown, middleware: unknown, isRouter: unknown, ...rest: unknown[]) {
        const patched = patchLayer.call(this, middleware, isRouter, ...rest);
        if (typeof middleware !== 'function' || typeof patched !== 'function' || patched === middleware) return patched;
        const withLocation = function (this: unknown, ...args: unknown[]) {
          return withHandler(middleware, !!isRouter, () => (patched as Fn).apply(this, args));
        };
        (withLocation as unknown as Record<symbol, unknown>)[HANDLER_TARGET] = middleware;
        return withLocation;
      };
      (wrapped as unknown as Record<symbol, boolean>)[kAttributed] = true;
      proto._patchLayer = wrapped;
    } catch {
      // leave the app's instrumentation as it is
    }
    return exports;
  });
}

/** KoaInstrumentation's requestHook: the original middleware (or router handler) behind each span. */
export function koaRequestHook(span: object, info: { middlewareLayer?: unknown; layerType?: string }): void {
  const fn = info.middlewareLayer;
  if (typeof fn !== 'function') return;
  claimForHandler(span, fn, info.layerType === 'router', activeServerSpan());
}

/**
 * Plain `http.createServer(listener)` apps: the request listener runs inside the incoming request's server
 * span, and is the code that handles it (frameworks' own listeners live in node_modules and resolve to nothing,
 * so their route handlers still decide). Wrapped where it is added; `.listener` keeps removeListener(fn) and
 * listeners() working as they do for once() wrappers.
 */
export function attributeRequestListeners(serverProto: object): void {
  const proto = serverProto as Record<string, unknown>;
  for (const method of ['on', 'addListener', 'prependListener']) {
    const original = proto[method] as ((this: unknown, event: unknown, fn: unknown) => unknown) | undefined;
    if (typeof original !== 'function' || (original as unknown as Record<symbol, boolean>)[kAttributed]) continue;
    const patched = function (this: unknown, event: unknown, fn: unknown) {
      if (event === 'request' && typeof fn === 'function' && !(fn as unknown as Record<symbol, boolean>)[kAttributed]) {
        const listener = fn as Fn;
        const wrapped = function (this: unknown, ...args: unknown[]) {
          try {
            claimForHandler(undefined, listener, false, activeServerSpan());
          } catch {
            // attribution must never break the request
          }
          return listener.apply(this, args);
        };
        (wrapped as unknown as { listener: Fn }).listener = listener;
        (wrapped as unknown as Record<symbol, boolean>)[kAttributed] = true;
        return original.call(this, event, wrapped);
      }
      return original.call(this, event, fn);
    };
    (patched as unknown as Record<symbol, boolean>)[kAttributed] = true;
    proto[method] = patched;
  }
}

/**
 * NestInstrumentation wraps RouterExecutionContext.create(instance, callback): its request span starts when
 * the returned handler is called (the controller method is "current" then), and its handler span starts
 * around the controller method, which claims it (and the server span) when it runs.
 */
export function attributeNest(instrumentation: object): void {
  type Wrapper = (original: Fn) => Fn;
  const inst = instrumentation as { ensureWrapped?: (obj: object, name: string, wrapper: Wrapper) => unknown };
  const ensureWrapped = inst.ensureWrapped;
  if (typeof ensureWrapped !== 'function') return;
  inst.ensureWrapped = function (this: unknown, obj: object, name: string, wrapper: Wrapper) {
    // NestFactoryStatic.create is wrapped through here too
    if (name !== 'create' || (obj as { constructor?: { name?: string } }).constructor?.name !== 'RouterExecutionContext') return ensureWrapped.call(this, obj, name, wrapper);
    return ensureWrapped.call(this, obj, name, (original: Fn) => {
      const traced = wrapper(original);
      return function createWithLocations(this: unknown, ...args: unknown[]) {
        const callback = args[1];
        if (typeof callback !== 'function') return traced.apply(this, args);
        const claimed = claiming(callback as Fn, true);
        copyMetadata(callback, claimed);
        args[1] = claimed;
        const handler = traced.apply(this, args);
        if (typeof handler !== 'function') return handler;
        const withLocation = function (this: unknown, ...handlerArgs: unknown[]) {
          try {
            // Nest's router proxy calls this inside the underlying Express/Fastify handler span: point it here too
            claimForHandler(trace.getActiveSpan(), callback, true, activeServerSpan());
          } catch {
            // attribution must never break the request
          }
          return withHandler(callback, true, () => (handler as Fn).apply(this, handlerArgs));
        };
        Object.defineProperty(withLocation, 'length', { value: (handler as Fn).length });
        // Express sees this as the route's handler: its request-handler span points at the controller method
        (withLocation as unknown as Record<symbol, unknown>)[HANDLER_TARGET] = callback;
        return withLocation;
      };
    });
  };
}

interface FastifyLike {
  addHook(name: 'onRoute', hook: (routeOptions: { handler?: Fn }) => void): unknown;
}

let fastifySubscribed = false;

/**
 * Subscribes to fastify's creation channel. Must run before @fastify/otel subscribes, so our onRoute hook
 * runs first and @fastify/otel's span wrapper ends up outside ours.
 */
export function attributeFastify(): void {
  if (fastifySubscribed) return;
  fastifySubscribed = true;
  dc.subscribe('fastify.initialization', (message: unknown) => {
    try {
      const app = (message as { fastify?: FastifyLike }).fastify;
      app?.addHook('onRoute', (routeOptions) => {
        const h = routeOptions.handler as (Fn & Record<symbol, boolean>) | undefined;
        if (typeof h === 'function' && !h[kAttributed]) routeOptions.handler = claiming(h, true, true);
      });
    } catch {
      // a fastify we do not understand keeps working, untouched
    }
  });
}

const FASTIFY_LIFECYCLE = new Set(['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse', 'onError', 'onTimeout', 'onRequestAbort']);
let fastifyHooksSubscribed = false;

/**
 * Lifecycle hooks (onRequest, preHandler, …): subscribed AFTER @fastify/otel, whose plugin replaces
 * app.addHook with one that wraps each hook in a span; ours goes around that, so each hook reaches it already
 * wrapped to claim the span it will run in.
 */
export function attributeFastifyHooks(): void {
  if (fastifyHooksSubscribed) return;
  fastifyHooksSubscribed = true;
  dc.subscribe('fastify.initialization', (message: unknown) => {
    try {
      const app = (message as { fastify?: { addHook?: Fn } }).fastify;
      const addHook = app?.addHook;
      if (!app || typeof addHook !== 'function' || (addHook as unknown as Record<symbol, boolean>)[kAttributed]) return;
      const patched = function (this: unknown, name: unknown, hook: unknown, ...rest: unknown[]) {
        const h = hook as (Fn & Record<symbol, boolean>) | undefined;
        const wrapped = typeof name === 'string' && FASTIFY_LIFECYCLE.has(name) && typeof h === 'function' && !h[kAttributed] ? claiming(h, false) : hook;
        return addHook.call(this, name, wrapped, ...rest);
      };
      (patched as unknown as Record<symbol, boolean>)[kAttributed] = true;
      app.addHook = patched;
    } catch {
      // a fastify we do not understand keeps working, untouched
    }
  });
}
