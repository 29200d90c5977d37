# ruff: noqa: E501  (JavaScript source)
"""The JavaScript side of Foxx: service modules, ``module.context``, ``@arangodb/foxx/router``,
request and response objects, and small stand-ins for the libraries generated services
use (``joi``, ``http-errors``, ``statuses``, ``dedent``, ``lodash``).

Evaluated once in the engine on the first Foxx use. Services are defined from Python with
their files; a service is loaded (its main file run) on its first request and again after
every change, or on every request in development mode.
"""

from __future__ import annotations

__all__ = ["FOXX_RUNTIME"]

FOXX_RUNTIME = r"""
(function (g) {
  'use strict';
  const builtins = g.__arango_modules;
  const ArangoError = g.ArangoError;

  // -------------------------------------------------------------- small libs
  const STATUS = {100: 'Continue', 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
    301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 400: 'Bad Request',
    401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
    406: 'Not Acceptable', 409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed',
    415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 500: 'Internal Server Error',
    501: 'Not Implemented', 503: 'Service Unavailable'};
  function statuses(code) {
    if (typeof code === 'number') {
      if (!STATUS[code]) { throw new Error('invalid status code: ' + code); }
      return STATUS[code];
    }
    const wanted = String(code).toLowerCase();
    for (const k of Object.keys(STATUS)) { if (STATUS[k].toLowerCase() === wanted) { return Number(k); } }
    if (/^\d+$/.test(wanted)) { return statuses(Number(wanted)); }
    throw new Error('invalid status message: "' + code + '"');
  }
  function HttpError(status, message) {
    const e = new Error(message === undefined ? (STATUS[status] || 'Error') : String(message));
    e.status = e.statusCode = status;
    e.expose = status < 500;
    e.name = 'HttpError';
    return e;
  }
  function httpErrors(status, message) {
    if (typeof status !== 'number') { message = status; status = 500; }
    return HttpError(status, message);
  }
  function dedent(strings) {
    const values = Array.prototype.slice.call(arguments, 1);
    let raw = typeof strings === 'string' ? strings : strings.reduce(function (acc, s, i) {
      return acc + s + (i < values.length ? values[i] : '');
    }, '');
    const lines = raw.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
    const indent = Math.min.apply(null, lines.filter(function (l) { return l.trim(); })
      .map(function (l) { return l.match(/^\s*/)[0].length; }).concat([1e9]));
    return lines.map(function (l) { return l.slice(indent === 1e9 ? 0 : indent); }).join('\n');
  }
  const lodash = {
    omit: function (o, keys) { const out = Object.assign({}, o); [].concat(keys).forEach(function (k) { delete out[k]; }); return out; },
    pick: function (o, keys) { const out = {}; [].concat(keys).forEach(function (k) { if (o && k in o) { out[k] = o[k]; } }); return out; },
    extend: Object.assign, assign: Object.assign,
    clone: function (o) { return Array.isArray(o) ? o.slice() : Object.assign({}, o); },
    cloneDeep: function (o) { return o === undefined ? o : JSON.parse(JSON.stringify(o)); },
    isEmpty: function (o) { return o == null || (typeof o === 'object' ? Object.keys(o).length === 0 : o.length === 0); },
    isString: function (o) { return typeof o === 'string'; },
    isNumber: function (o) { return typeof o === 'number'; },
    isObject: function (o) { return o !== null && (typeof o === 'object' || typeof o === 'function'); },
    isArray: Array.isArray,
    isFunction: function (o) { return typeof o === 'function'; },
    keys: function (o) { return Object.keys(o || {}); },
    values: function (o) { return Object.values(o || {}); },
    has: function (o, k) { return o != null && Object.prototype.hasOwnProperty.call(o, k); },
    get: function (o, path, d) { const v = String(path).split('.').reduce(function (a, k) { return a == null ? undefined : a[k]; }, o); return v === undefined ? d : v; },
    map: function (c, f) { return Array.isArray(c) ? c.map(f) : Object.keys(c || {}).map(function (k) { return f(c[k], k); }); },
    each: function (c, f) { (Array.isArray(c) ? c : Object.values(c || {})).forEach(f); return c; },
    forEach: function (c, f) { return lodash.each(c, f); },
    filter: function (c, f) { return (Array.isArray(c) ? c : Object.values(c || {})).filter(f); },
    includes: function (c, v) { return (Array.isArray(c) || typeof c === 'string' ? c : Object.values(c || {})).indexOf(v) !== -1; },
  };

  // ------------------------------------------------------------------- joi
  function Schema(type) { this._type = type; this._required = false; this._default = undefined; this._keys = null; this._items = null; this._valid = null; }
  const S = Schema.prototype;
  ['description', 'example', 'label', 'meta', 'notes', 'tags', 'unit', 'strip', 'min', 'max', 'length',
   'integer', 'positive', 'negative', 'email', 'regex', 'pattern', 'unknown', 'allow', 'trim', 'lowercase',
   'uppercase', 'iso', 'timestamp', 'precision', 'guid', 'uri', 'alphanum', 'token', 'hex', 'greater', 'less',
   'unique', 'sparse', 'single', 'options', 'raw', 'empty', 'error', 'when', 'concat', 'rename', 'pattern', 'and', 'or', 'xor', 'with', 'without']
    .forEach(function (n) { S[n] = function () { return this; }; });
  S.required = function () { this._required = true; return this; };
  S.optional = function () { this._required = false; return this; };
  S.forbidden = function () { this._forbidden = true; return this; };
  S.default = function (v) { this._default = v; return this; };
  S.valid = S.only = S.equal = function () { this._valid = Array.prototype.concat.apply([], arguments); return this; };
  S.keys = function (k) { this._keys = Object.assign(this._keys || {}, k); return this; };
  S.items = function (i) { this._items = i; return this; };
  S.isJoi = true;
  function check(schema, value, label) {
    if (!schema || !schema.isJoi) {
      if (schema && typeof schema === 'object' && !Array.isArray(schema)) { return check(joi.object().keys(schema), value, label); }
      return value;
    }
    if (value === undefined) {
      if (schema._required) { throw new Error('"' + label + '" is required'); }
      return schema._default;
    }
    if (schema._forbidden) { throw new Error('"' + label + '" is not allowed'); }
    if (schema._valid && schema._valid.indexOf(value) === -1) { throw new Error('"' + label + '" must be one of ' + JSON.stringify(schema._valid)); }
    const t = schema._type;
    if (t === 'string' && typeof value !== 'string') { throw new Error('"' + label + '" must be a string'); }
    if (t === 'number') {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || isNaN(n)) { throw new Error('"' + label + '" must be a number'); }
      return n;
    }
    if (t === 'boolean') {
      if (value === 'true' || value === true) { return true; }
      if (value === 'false' || value === false) { return false; }
      throw new Error('"' + label + '" must be a boolean');
    }
    if (t === 'array') {
      if (!Array.isArray(value)) { throw new Error('"' + label + '" must be an array'); }
      return schema._items ? value.map(function (v, i) { return check(schema._items, v, String(i)); }) : value;
    }
    if (t === 'object') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) { throw new Error('"' + label + '" must be an object'); }
      if (schema._keys) {
        const out = Object.assign({}, value);
        Object.keys(schema._keys).forEach(function (k) {
          const v = check(schema._keys[k], value[k], k);
          if (v !== undefined) { out[k] = v; }
        });
        return out;
      }
    }
    return value;
  }
  const joi = {};
  ['any', 'string', 'number', 'boolean', 'bool', 'array', 'object', 'date', 'func', 'binary', 'alternatives']
    .forEach(function (t) { joi[t] = function (keys) { const s = new Schema(t === 'bool' ? 'boolean' : t); if (keys && t === 'object') { s.keys(keys); } return s; }; });
  joi.validate = function (value, schema) {
    try { return {error: null, value: check(schema, value, 'value')}; } catch (e) { return {error: e, value: value}; }
  };
  S.validate = function (value) { return joi.validate(value, this); };

  // ----------------------------------------------------------------- router
  function Route(method, path, handler, name) {
    this.method = method; this.path = path; this.handler = handler; this.name = name;
    this._pathParams = {}; this._queryParams = {}; this._body = undefined; this._doc = {};
  }
  const R = Route.prototype;
  R.pathParam = function (name, schema, d) { this._pathParams[name] = schema; return this; };
  R.queryParam = function (name, schema, d) { this._queryParams[name] = schema; return this; };
  R.body = function (model, d) { this._body = model === undefined ? null : model; return this; };
  ['response', 'error', 'summary', 'description', 'tag', 'deprecated', 'header', 'produces', 'consumes']
    .forEach(function (n) { R[n] = function (a, b) { this._doc[n] = this._doc[n] || []; this._doc[n].push(typeof a === 'string' ? a : (typeof b === 'string' ? b : '')); return this; }; });

  function Router() { this._routes = []; }
  const P = Router.prototype;
  ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all'].forEach(function (m) {
    P[m] = function () {
      const args = Array.prototype.slice.call(arguments);
      const path = typeof args[0] === 'string' ? args.shift() : '/';
      const route = new Route(m === 'all' ? '*' : m.toUpperCase(), path, args[0], args[1]);
      this._routes.push(route);
      return route;
    };
  });
  P.use = function (path, child, name) {
    if (typeof path !== 'string') { name = child; child = path; path = '/'; }
    this._routes.push({mounted: child, prefix: path, name: name});
    return {tag: function () { return this; }, summary: function () { return this; }, description: function () { return this; }};
  };
  ['tag', 'summary', 'description', 'response', 'error', 'header'].forEach(function (n) { P[n] = function () { return this; }; });
  function createRouter() { return new Router(); }
  createRouter.createRouter = createRouter;
  createRouter.Router = Router;

  function segments(path) { return String(path || '/').split('/').filter(function (s) { return s !== ''; }); }
  function flatten(router, prefix, out) {
    router._routes.forEach(function (r) {
      if (r.mounted) {
        if (r.mounted instanceof Router) { flatten(r.mounted, prefix.concat(segments(r.prefix)), out); }
        else if (typeof r.mounted === 'function') { out.push({middleware: r.mounted, prefix: prefix.concat(segments(r.prefix))}); }
      } else {
        out.push({route: r, parts: prefix.concat(segments(r.path))});
      }
    });
    return out;
  }
  function match(parts, path) {
    const params = {};
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p === '*') { params['*'] = path.slice(i).join('/'); return params; }
      if (i >= path.length) { return null; }
      if (p.charAt(0) === ':') { params[p.slice(1).replace(/\?$/, '')] = decodeURIComponent(path[i]); }
      else if (p !== path[i]) { return null; }
    }
    return parts.length === path.length ? params : null;
  }

  // --------------------------------------------------------------- services
  const services = {};
  const loaded = {};
  function dirname(p) { const i = p.lastIndexOf('/'); return i < 0 ? '' : p.slice(0, i); }
  function normalize(p) {
    const out = [];
    p.split('/').forEach(function (s) { if (s === '..') { out.pop(); } else if (s !== '.' && s !== '') { out.push(s); } });
    return out.join('/');
  }
  function locate(files, p) {
    const base = normalize(p);
    const tries = [base, base + '.js', base + '.json', base + '/index.js'];
    for (const t of tries) { if (Object.prototype.hasOwnProperty.call(files, t)) { return t; } }
    return null;
  }
  function prefixOf(mount) { return mount.slice(1).replace(/[-.:/]/g, '_') + '_'; }
  function makeContext(svc, state) {
    const db = builtins['@arangodb'].db;
    const ctx = {
      mount: svc.mount, baseUrl: '/_db/' + encodeURIComponent(svc.database) + svc.mount,
      collectionPrefix: prefixOf(svc.mount), manifest: svc.manifest,
      service: {manifest: svc.manifest, mount: svc.mount}, configuration: svc.configuration,
      dependencies: svc.dependencies, isDevelopment: svc.development, isProduction: !svc.development,
      argv: [], basePath: '/', options: {},
      collectionName: function (name) { return prefixOf(svc.mount) + name; },
      collection: function (name) { return db._collection(prefixOf(svc.mount) + name); },
      use: function (path, router, name) {
        if (typeof path !== 'string') { router = path; path = '/'; }
        state.routers.push({prefix: segments(path), router: router});
        return {tag: function () { return this; }};
      },
      fileName: function (name) { return normalize(name); },
      file: function (name) {
        const found = locate(svc.files, name);
        if (found === null) { throw new Error('file not found: ' + name); }
        return svc.files[found];
      },
      registerType: function () {},
      createDocumentationRouter: function () { return new Router(); },
      apiDocumentation: function () { return function () {}; },
    };
    return ctx;
  }
  function runModule(state, path) {
    const svc = state.svc;
    const found = locate(svc.files, path);
    if (found === null) { throw new Error("cannot locate module '" + path + "'"); }
    if (state.modules[found]) { return state.modules[found].exports; }
    const source = svc.files[found];
    const module = {exports: {}, context: state.context, filename: found, id: found};
    state.modules[found] = module;
    if (/\.json$/.test(found)) { module.exports = JSON.parse(source); return module.exports; }
    const dir = dirname(found);
    const localRequire = function (name) {
      if (name.charAt(0) === '.' || name.charAt(0) === '/') { return runModule(state, dir + '/' + name); }
      return requireModule(name);
    };
    const fn = new Function('module', 'exports', 'require', '__filename', '__dirname', source);
    fn.call(module.exports, module, module.exports, localRequire, found, dir);
    return module.exports;
  }
  function freshState(svc) {
    const state = {svc: svc, routers: [], modules: {}};
    state.context = makeContext(svc, state);
    return state;
  }
  function load(key) {
    const svc = services[key];
    if (!svc) { throw new ArangoError({errorNum: 3009, errorMessage: 'service not found', code: 404}); }
    if (loaded[key] && !svc.development) { return loaded[key]; }
    const state = freshState(svc);
    runModule(state, svc.manifest.main || 'index.js');
    state.routes = [];
    state.routers.forEach(function (u) { flatten(u.router, u.prefix, state.routes); });
    loaded[key] = state;
    return state;
  }

  const foxxModules = {
    '@arangodb/foxx/router': createRouter,
    '@arangodb/foxx': {createRouter: createRouter},
    'joi': joi, 'http-errors': httpErrors, 'statuses': statuses, 'dedent': dedent,
    'lodash': lodash, 'underscore': lodash, '@arangodb/locals': {},
  };
  const previousHook = g.__arango_require_hook;
  function requireModule(name) {
    if (Object.prototype.hasOwnProperty.call(foxxModules, name)) { return foxxModules[name]; }
    return g.require(name);
  }
  g.__arango_require_hook = function (name) {
    if (Object.prototype.hasOwnProperty.call(foxxModules, name)) { return foxxModules[name]; }
    return previousHook ? previousHook(name) : undefined;
  };

  function describe(e) {
    const d = {name: e && e.name, message: e && e.message !== undefined ? String(e.message) : String(e)};
    if (e && typeof e === 'object') {
      if ('statusCode' in e) { d.status = e.statusCode; }
      if ('errorNum' in e) { d.errorNum = e.errorNum; d.message = String(e.errorMessage); }
      if (e.stack) { d.stack = String(e.stack); }
    }
    return d;
  }

  const OK = JSON.stringify({ok: true, v: null});
  function answer(v) { return JSON.stringify({ok: true, v: v}); }
  g.__foxx_define = function (key, specJson) { services[key] = JSON.parse(specJson); delete loaded[key]; return OK; };
  g.__foxx_forget = function (key) { delete services[key]; delete loaded[key]; return OK; };
  g.__foxx_script = function (key, file, argsJson) {
    try {
      const state = freshState(services[key]);
      state.context.argv = JSON.parse(argsJson);
      return JSON.stringify({ok: true, v: runModule(state, file)});
    } catch (e) { return JSON.stringify({ok: false, e: describe(e)}); }
  };
  g.__foxx_routes = function (key) {
    try {
      return JSON.stringify({ok: true, v: load(key).routes.filter(function (r) { return r.route; }).map(function (r) {
        return {method: r.route.method, path: '/' + r.parts.join('/'), name: r.route.name || null,
                doc: r.route._doc, pathParams: Object.keys(r.route._pathParams),
                queryParams: Object.keys(r.route._queryParams)};
      })});
    } catch (e) { return JSON.stringify({ok: false, e: describe(e)}); }
  };
  g.__foxx_handle = function (key, requestJson) {
    const rq = JSON.parse(requestJson);
    const res = {
      statusCode: 200, headers: {}, body: undefined, _type: null,
      status: function (code) { this.statusCode = typeof code === 'number' ? code : statuses(code); return this; },
      set: function (name, value) {
        if (typeof name === 'object') { Object.keys(name).forEach(function (k) { res.headers[k.toLowerCase()] = String(name[k]); }); }
        else { this.headers[String(name).toLowerCase()] = String(value); }
        return this;
      },
      setHeader: function (n, v) { return this.set(n, v); },
      getHeader: function (n) { return this.headers[String(n).toLowerCase()]; },
      removeHeader: function (n) { delete this.headers[String(n).toLowerCase()]; return this; },
      type: function (t) { this._type = t; return this; },
      write: function (data) { this.body = (this.body === undefined ? '' : this.body) + (typeof data === 'string' ? data : JSON.stringify(data)); return this; },
      send: function (data, type) {
        if (type) { this._type = type; }
        if (data === undefined || data === null) { this.body = undefined; return this; }
        if (typeof data === 'string') { this.body = data; this._type = this._type || 'text/html; charset=utf-8'; }
        else { this.body = JSON.stringify(data); this._type = this._type || 'application/json; charset=utf-8'; }
        return this;
      },
      json: function (data) { return this.send(data === undefined ? null : data, 'application/json; charset=utf-8'); },
      redirect: function (status, url) { if (url === undefined) { url = status; status = 302; } this.statusCode = status; this.headers.location = url; return this; },
      throw: function (status, reason) { throw HttpError(typeof status === 'number' ? status : statuses(status), reason); },
      sendStatus: function (code) { this.statusCode = code; return this.send(STATUS[code] || String(code)); },
    };
    try {
      const state = load(key);
      const path = segments(rq.path);
      let found = null;
      let params = null;
      for (const r of state.routes) {
        if (!r.route) { continue; }
        if (r.route.method !== '*' && r.route.method !== rq.method) { continue; }
        params = match(r.parts, path);
        if (params) { found = r; break; }
      }
      if (!found) {
        return answer({status: 404, headers: {}, error: {errorNum: 404, message: 'unknown path \'' + rq.fullPath + '\''}});
      }
      const route = found.route;
      const req = {
        method: rq.method, path: rq.path, headers: rq.headers, rawBody: rq.body, suffix: params['*'] || '',
        pathParams: params, queryParams: Object.assign({}, rq.query), database: rq.database,
        arangoUser: rq.user, context: state.context, baseUrl: state.context.baseUrl,
        url: rq.path, originalUrl: rq.fullPath, protocol: 'http', secure: false, hostname: rq.host, port: rq.port,
        get: function (n) { return rq.headers[String(n).toLowerCase()]; },
        header: function (n) { return rq.headers[String(n).toLowerCase()]; },
        param: function (n) { return n in this.pathParams ? this.pathParams[n] : this.queryParams[n]; },
        is: function (t) { return (rq.headers['content-type'] || '').indexOf(t) !== -1; },
        json: function () { return JSON.parse(rq.body); },
        reverse: function (name, values) {
          const target = state.routes.find(function (r) { return r.route && r.route.name === name; });
          if (!target) { throw new Error('unknown route name: ' + name); }
          return state.context.mount + '/' + target.parts.map(function (p) {
            return p.charAt(0) === ':' ? encodeURIComponent(values[p.slice(1)]) : p;
          }).join('/');
        },
        makeAbsolute: function (p) { return 'http://' + rq.host + ':' + rq.port + '/_db/' + encodeURIComponent(rq.database) + p; },
      };
      try {
        Object.keys(route._pathParams).forEach(function (n) { req.pathParams[n] = check(route._pathParams[n], req.pathParams[n], n); });
        Object.keys(route._queryParams).forEach(function (n) {
          const v = check(route._queryParams[n], req.queryParams[n], n);
          if (v !== undefined) { req.queryParams[n] = v; }
        });
        let body = rq.body;
        if (body !== '' && (rq.headers['content-type'] || 'application/json').indexOf('json') !== -1) {
          try { body = JSON.parse(body); } catch (x) { if (route._body !== undefined && route._body !== null) { throw new Error('request body is not valid JSON'); } }
        }
        if (body === '') { body = undefined; }
        const model = route._body;
        if (model !== undefined && model !== null) {
          const schema = Array.isArray(model) ? joi.array().items(model[0] && model[0].schema ? model[0].schema : model[0])
                                              : (model.schema !== undefined && !model.isJoi ? model.schema : model);
          body = check(schema, body, 'request body');
          if (body === undefined) { throw new Error('"request body" is required'); }
        }
        req.body = body;
      } catch (e) {
        return answer({status: 400, headers: {}, error: {errorNum: 400, message: String(e.message)}});
      }
      route.handler(req, res);
      return answer({status: res.statusCode, headers: res.headers, type: res._type,
                     body: res.body === undefined ? null : res.body});
    } catch (e) {
      return answer({status: 0, headers: res.headers, error: describe(e)});
    }
  };
})(globalThis);
"""
