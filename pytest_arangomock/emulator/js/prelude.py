# ruff: noqa: E501  (JavaScript source)
"""The JavaScript side of the engine: ``require``, ``@arangodb`` (``db``, collections,
cursors, ``aql``, ``errors``, ``ArangoError``), ``internal``, ``console`` and the entry
points the Python side calls.

Scripts reach the server only through one bridge function installed by the engine: every
database operation becomes an internal HTTP request to the emulator (inside the running
transaction, when there is one), so scripts get exactly the HTTP API's semantics and
errors. ``__ERRORS__`` is replaced by ArangoDB's error table when the engine starts.
"""

from __future__ import annotations

__all__ = ["PRELUDE"]

PRELUDE = r"""
(function (g) {
  'use strict';
  const bridge = g.__arango_bridge;
  delete g.__arango_bridge;

  function call(op, args) {
    const r = JSON.parse(bridge(op, JSON.stringify(args === undefined ? null : args)));
    if (r.e) { throw new ArangoError(r.e); }
    return r.v;
  }

  // ------------------------------------------------------------------ errors
  function ArangoError(e) {
    this.error = true;
    this.errorNum = e ? e.errorNum : undefined;
    this.errorMessage = e ? e.errorMessage : undefined;
    this.code = e ? e.code : undefined;
    const trace = new Error().stack || '';
    this.stack = trace.split('\n').slice(1).join('\n');
  }
  ArangoError.prototype = Object.create(Error.prototype);
  ArangoError.prototype.constructor = ArangoError;
  ArangoError.prototype.name = 'ArangoError';
  ArangoError.prototype.isArangoError = true;
  Object.defineProperty(ArangoError.prototype, 'message', {
    get: function () { return this.errorMessage; },
    set: function (v) { this.errorMessage = v; },
  });
  ArangoError.prototype.toString = function () {
    return '[ArangoError ' + this.errorNum + ': ' + this.errorMessage + ']';
  };
  const errors = __ERRORS__;

  function fail(num, message) {
    const entry = Object.values(errors).find(function (x) { return x.code === num; });
    throw new ArangoError({errorNum: num, errorMessage: message || (entry ? entry.message : ''),
                           code: 400});
  }

  // ------------------------------------------------------------------ output
  function show(v) {
    if (typeof v === 'string') { return v; }
    if (v === undefined) { return 'undefined'; }
    if (typeof v === 'function') { return String(v); }
    if (v instanceof ArangoError) { return String(v); }
    try { return JSON.stringify(v); } catch (e) { return String(v); }
  }
  function print() {
    call('log', ['info', Array.prototype.map.call(arguments, show).join(' ')]);
  }
  function logger(level) {
    return function () {
      call('log', [level, Array.prototype.map.call(arguments, show).join(' ')]);
    };
  }
  const console = {log: logger('info'), info: logger('info'), warn: logger('warn'),
                   error: logger('error'), debug: logger('debug'), trace: logger('debug')};

  // ----------------------------------------------------------------- requests
  function request(method, path, query, body, headers) {
    return call('request', [method, path, query || {}, body === undefined ? null : body,
                            headers || {}]);
  }
  function enc(s) { return encodeURIComponent(String(s)); }
  function queryOf(options) {
    const q = {};
    if (options && typeof options === 'object') {
      Object.keys(options).forEach(function (k) {
        const v = options[k];
        if (v !== undefined && v !== null && typeof v !== 'object') { q[k] = String(v); }
      });
    }
    return q;
  }

  // ---------------------------------------------------------------- cursors
  function Cursor(first) {
    let r = first;
    this._docs = r.result || [];
    while (r.hasMore) {
      r = request('POST', '/_api/cursor/' + enc(r.id));
      this._docs = this._docs.concat(r.result || []);
    }
    this._pos = 0;
    this._count = first.count;
    this._extra = r.extra || first.extra || {};
  }
  Cursor.prototype.toArray = function () { const d = this._docs.slice(this._pos); this._pos = this._docs.length; return d; };
  Cursor.prototype.hasNext = function () { return this._pos < this._docs.length; };
  Cursor.prototype.next = function () { return this._pos < this._docs.length ? this._docs[this._pos++] : undefined; };
  Cursor.prototype.count = function () { return this._count !== undefined ? this._count : this._docs.length; };
  Cursor.prototype.getExtra = function () { return this._extra; };
  Cursor.prototype.dispose = function () { this._docs = []; this._pos = 0; };
  Cursor.prototype.forEach = function (fn) { while (this.hasNext()) { fn(this.next()); } };
  Cursor.prototype.toString = function () { return '[ArangoQueryCursor]'; };
  Cursor.prototype.toJSON = function () { return this._docs.slice(this._pos); };

  function runQuery(q, bindVars, options) {
    let query = q;
    let binds = bindVars;
    if (q && typeof q === 'object' && typeof q.query === 'string') {
      query = q.query;
      binds = Object.assign({}, q.bindVars || {}, bindVars || {});
    }
    const opts = Object.assign({}, options || {});
    const body = {query: query, bindVars: binds || {}, count: true, batchSize: 1000};
    ['count', 'batchSize', 'ttl', 'memoryLimit', 'cache'].forEach(function (k) {
      if (k in opts) { body[k] = opts[k]; delete opts[k]; }
    });
    body.count = true;
    body.options = opts;
    return new Cursor(request('POST', '/_api/cursor', {}, body));
  }

  // ------------------------------------------------------------- aql template
  function AqlLiteral(value) { this.value = value === undefined ? '' : String(value); }
  function aql(strings) {
    const args = Array.prototype.slice.call(arguments, 1);
    const bindVars = {};
    let query = strings[0];
    let n = 0;
    for (let i = 0; i < args.length; i++) {
      const v = args[i];
      if (v instanceof AqlLiteral) {
        query += v.value;
      } else if (v && typeof v === 'object' && typeof v.query === 'string' && v.bindVars) {
        let sub = v.query;
        Object.keys(v.bindVars).forEach(function (name) {
          const fresh = (name.charAt(0) === '@' ? '@' : '') + 'value' + (n++);
          sub = sub.split('@' + name).join('@' + fresh);
          bindVars[fresh] = v.bindVars[name];
        });
        query += sub;
      } else if (v instanceof Collection) {
        const name = '@value' + (n++);
        bindVars[name] = v._name;
        query += '@' + name;
      } else {
        const name = 'value' + (n++);
        bindVars[name] = v;
        query += '@' + name;
      }
      query += strings[i + 1];
    }
    return {query: query, bindVars: bindVars};
  }
  aql.literal = function (v) { return new AqlLiteral(v); };
  aql.join = function (parts, sep) {
    const strings = [''];
    const values = [];
    parts.forEach(function (p, i) {
      values.push(p);
      strings.push(i < parts.length - 1 ? (sep === undefined ? ' ' : sep) : '');
    });
    return aql.apply(null, [strings].concat(values));
  };

  // ------------------------------------------------------------- collections
  function split(sel, colName) {
    if (sel && typeof sel === 'object') {
      sel = sel._id !== undefined ? sel._id : sel._key;
    }
    if (typeof sel !== 'string' || sel === '') { fail(1205); }
    const i = sel.indexOf('/');
    if (i < 0) {
      if (colName === null) { fail(1205); }
      return [colName, sel];
    }
    const c = sel.slice(0, i);
    if (colName !== null && c !== colName) { fail(1213); }
    return [c, sel.slice(i + 1)];
  }
  function revHeader(sel, options) {
    if (sel && typeof sel === 'object' && sel._rev !== undefined && !(options && options.overwrite)) {
      return {'if-match': '"' + sel._rev + '"'};
    }
    return {};
  }

  function Collection(name, type) { this._name = name; this._type = type; }
  const C = Collection.prototype;
  C.name = function () { return this._name; };
  C.type = function () { return this._type; };
  C.toString = function () { return '[ArangoCollection "' + this._name + '"]'; };
  C.properties = function (props) {
    const path = '/_api/collection/' + enc(this._name) + '/properties';
    return props ? request('PUT', path, {}, props) : request('GET', path);
  };
  C.count = function () { return request('GET', '/_api/collection/' + enc(this._name) + '/count').count; };
  C.figures = function () { return request('GET', '/_api/collection/' + enc(this._name) + '/figures').figures; };
  C.truncate = function () { request('PUT', '/_api/collection/' + enc(this._name) + '/truncate'); };
  C.drop = function (opts) { db._drop(this._name, opts); };
  C.load = function () {};
  C.unload = function () {};
  C.indexes = C.getIndexes = function () { return request('GET', '/_api/index', {collection: this._name}).indexes; };
  C.ensureIndex = function (def) { return request('POST', '/_api/index', {collection: this._name}, def); };
  C.save = C.insert = function (doc, a, b) {
    let options = a;
    if (typeof doc === 'string' && typeof a === 'string') {
      doc = Object.assign({}, b || {}, {_from: doc, _to: a});
      options = arguments[3];
    }
    if (typeof options === 'boolean') { options = {waitForSync: options}; }
    return request('POST', '/_api/document/' + enc(this._name), queryOf(options), doc);
  };
  C.document = function (sel) {
    if (Array.isArray(sel)) {
      return request('PUT', '/_api/document/' + enc(this._name), {onlyget: 'true'}, sel);
    }
    const p = split(sel, this._name);
    return request('GET', '/_api/document/' + enc(p[0]) + '/' + enc(p[1]), {}, undefined,
                   revHeader(sel));
  };
  C.exists = function (sel) {
    try {
      const d = this.document(sel);
      return {_id: d._id, _key: d._key, _rev: d._rev};
    } catch (e) {
      if (e instanceof ArangoError && e.errorNum === 1202) { return false; }
      throw e;
    }
  };
  function modify(method) {
    return function (sel, data, options) {
      if (typeof options === 'boolean') { options = {overwrite: options}; }
      const p = split(sel, this._name);
      return request(method, '/_api/document/' + enc(p[0]) + '/' + enc(p[1]),
                     queryOf(options), data, revHeader(sel, options));
    };
  }
  C.update = modify('PATCH');
  C.replace = modify('PUT');
  C.remove = function (sel, options) {
    if (typeof options === 'boolean') { options = {overwrite: options}; }
    const p = split(sel, this._name);
    return request('DELETE', '/_api/document/' + enc(p[0]) + '/' + enc(p[1]),
                   queryOf(options), undefined, revHeader(sel, options));
  };
  C.all = function () { return runQuery('FOR d IN @@c RETURN d', {'@c': this._name}); };
  C.toArray = function () { return this.all().toArray(); };
  C.any = function () {
    return runQuery('FOR d IN @@c SORT RAND() LIMIT 1 RETURN d', {'@c': this._name}).next() || null;
  };
  C.byExample = function (example) {
    return runQuery('FOR d IN @@c FILTER MATCHES(d, @e) RETURN d', {'@c': this._name, e: example || {}});
  };
  C.firstExample = function (example) {
    const r = runQuery('FOR d IN @@c FILTER MATCHES(d, @e) LIMIT 1 RETURN d',
                       {'@c': this._name, e: example || {}}).toArray();
    return r.length ? r[0] : null;
  };
  C.removeByExample = function (example) {
    return runQuery('FOR d IN @@c FILTER MATCHES(d, @e) REMOVE d IN @@c',
                    {'@c': this._name, e: example || {}}).getExtra().stats.writesExecuted;
  };
  function edgesOf(dir) {
    return function (v) {
      const ids = (Array.isArray(v) ? v : [v]).map(function (x) {
        return x && typeof x === 'object' ? x._id : x;
      });
      const cond = dir === 'in' ? 'e._to IN @v' : dir === 'out' ? 'e._from IN @v'
                                : '(e._from IN @v OR e._to IN @v)';
      return runQuery('FOR e IN @@c FILTER ' + cond + ' RETURN e', {'@c': this._name, v: ids}).toArray();
    };
  }
  C.edges = edgesOf('any');
  C.inEdges = edgesOf('in');
  C.outEdges = edgesOf('out');

  // --------------------------------------------------------------------- db
  let cache = {};
  const base = {
    _name: function () { return call('database'); },
    _id: function () { return request('GET', '/_api/database/current').result.id; },
    _path: function () { return ''; },
    _isSystem: function () { return call('database') === '_system'; },
    _version: function () { return request('GET', '/_api/version').version; },
    _collection: function (name) {
      if (typeof name !== 'string') { return null; }
      if (cache[name]) { return cache[name]; }
      try {
        const info = request('GET', '/_api/collection/' + enc(name));
        const c = new Collection(info.name, info.type);
        cache[name] = c;
        return c;
      } catch (e) {
        if (e instanceof ArangoError && e.errorNum === 1203) { return null; }
        throw e;
      }
    },
    _collections: function () {
      return request('GET', '/_api/collection').result.map(function (i) {
        return new Collection(i.name, i.type);
      });
    },
    _create: function (name, props, type, options) {
      let t = 2;
      if (type === 'edge' || type === 3) { t = 3; } else if (type && typeof type === 'object') { options = type; }
      const body = Object.assign({}, props || {}, {name: name, type: t});
      request('POST', '/_api/collection', queryOf(options), body);
      return base._collection(name);
    },
    _createDocumentCollection: function (name, props) { return base._create(name, props, 'document'); },
    _createEdgeCollection: function (name, props) { return base._create(name, props, 'edge'); },
    _drop: function (name, opts) {
      const c = name instanceof Collection ? name : base._collection(name);
      if (c === null) { return; }  // dropping a missing collection is a no-op
      delete cache[c._name];
      request('DELETE', '/_api/collection/' + enc(c._name), queryOf(opts));
    },
    _truncate: function (name) { (name instanceof Collection ? name : base._collection(name)).truncate(); },
    _query: function (q, bindVars, options) { return runQuery(q, bindVars, options); },
    _createStatement: function (spec) {
      return {execute: function () { return runQuery(spec.query, spec.bindVars, spec.options); }};
    },
    _document: function (sel) {
      const p = split(sel, null);
      return request('GET', '/_api/document/' + enc(p[0]) + '/' + enc(p[1]));
    },
    _exists: function (sel) {
      const p = split(sel, null);
      const c = base._collection(p[0]);
      return c === null ? false : c.exists(p[1]);
    },
    _remove: function (sel, options) {
      const p = split(sel, null);
      return base._collection(p[0]).remove(p[1], options);
    },
    _update: function (sel, data, options) {
      const p = split(sel, null);
      return base._collection(p[0]).update(p[1], data, options);
    },
    _replace: function (sel, data, options) {
      const p = split(sel, null);
      return base._collection(p[0]).replace(p[1], data, options);
    },
    _executeTransaction: function () { fail(1651, 'nested transactions detected'); },
    _useDatabase: function () { fail(1230, 'changing the database is not allowed here'); },
    toString: function () { return '[object ArangoDatabase "' + call('database') + '"]'; },
  };
  const db = new Proxy(base, {
    get: function (target, prop) {
      if (typeof prop !== 'string' || prop in target) { return target[prop]; }
      const c = target._collection(prop);
      return c === null ? undefined : c;
    },
  });

  // ------------------------------------------------------------------ modules
  const internal = {
    db: db,
    errors: errors,
    ArangoError: ArangoError,
    print: print,
    time: function () { return call('time'); },
    sleep: function (s) { call('sleep', Number(s) || 0); },
    wait: function (s) { call('sleep', Number(s) || 0); return true; },
    version: '3.12.10',
  };
  const arangodb = {
    db: db, aql: aql, errors: errors, ArangoError: ArangoError, print: print,
    query: function (strings) {
      return runQuery(aql.apply(null, arguments));
    },
    time: internal.time,
  };
  const builtins = {'internal': internal, '@arangodb': arangodb, '@arangodb/aql': {aql: aql}};
  g.__arango_modules = builtins;
  function requireModule(name) {
    if (Object.prototype.hasOwnProperty.call(builtins, name)) { return builtins[name]; }
    const found = g.__arango_require_hook ? g.__arango_require_hook(name) : undefined;
    if (found !== undefined) { return found; }
    const err = new Error("cannot locate module '" + name + "'");
    throw err;
  }
  g.require = requireModule;
  g.console = console;
  g.print = print;
  g.ArangoError = ArangoError;

  // ----------------------------------------------------------- entry points
  function describe(e) {
    if (typeof e === 'string') { return {kind: 'string', message: e}; }
    if (e === null || typeof e !== 'object') { return {kind: 'value', message: String(e)}; }
    const d = {kind: 'object'};
    try {
      if ('errorNum' in e) { d.errorNum = Number(e.errorNum) | 0; }
      if ('errorMessage' in e) { d.errorMessage = String(e.errorMessage); }
      if ('name' in e) { d.name = String(e.name); }
      if ('message' in e) { d.message = String(e.message); }
      d.text = String(e);
      if (typeof e.stack === 'string') {
        d.stack = e.stack.indexOf(d.text) === 0 ? e.stack : d.text + '\n' + e.stack.replace(/\n$/, '');
      }
    } catch (x) { d.text = 'JavaScript exception'; }
    return d;
  }
  function done(v) {
    return JSON.stringify({ok: true, u: v === undefined, s: typeof v === 'string',
                           v: v === undefined ? null : v});
  }
  function failed(e, compile) { return JSON.stringify({ok: false, compile: compile, e: describe(e)}); }

  // kind: 'transaction' (action source called with params), 'task' (function body with
  // params), 'body' (function body without arguments)
  function compile(kind, source) {
    if (kind === 'transaction') { return new Function('params', 'return (' + source + ')(params);'); }
    if (kind === 'task') { return new Function('params', source); }
    return new Function(source);
  }
  g.__arango_compile = function (kind, source) {
    try { compile(kind, source); return done(true); } catch (e) { return failed(e, true); }
  };
  g.__arango_run = function (kind, source, paramsJson) {
    cache = {};
    let fn;
    try { fn = compile(kind, source); } catch (e) { return failed(e, true); }
    try { return done(fn(JSON.parse(paramsJson))); } catch (e) { return failed(e, false); }
  };
  g.__arango_callable = function (source) {
    const f = (0, eval)('(function() { var callback = ' + source + '; return callback; })()');
    if (typeof f !== 'function') { throw new TypeError('code must be contained in function'); }
    return f;
  };
  g.__arango_check = function (source) {
    try {
      const f = (0, eval)('(function() { var callback = ' + source + '; return callback; })()');
      return done(typeof f === 'function');
    } catch (e) { return failed(e, true); }
  };
  const functions = {};
  g.__arango_udf = function (name, source, argsJson) {
    let entry = functions[name];
    try {
      if (!entry || entry.source !== source) {
        entry = {source: source, fn: g.__arango_callable(source)};
        functions[name] = entry;
      }
    } catch (e) { return failed(e, true); }
    try { return done(entry.fn.apply(null, JSON.parse(argsJson))); } catch (e) { return failed(e, false); }
  };
})(globalThis);
"""
