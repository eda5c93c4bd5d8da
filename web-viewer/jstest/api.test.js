// The viewer's API client (static/api.js) against a real HTTP server on 127.0.0.1:0. The
// page uses same-origin paths; here fetch is given the server's origin and otherwise left
// alone, so headers and bodies cross a real socket. node --test web-viewer/jstest/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import * as api from '../static/api.js';

let server, base;
const seen = []; // {method, url, headers, body}
const inits = []; // fetch init objects the client built

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const json = (code, v) => { res.writeHead(code, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(v)); };
      switch (`${req.method} ${req.url}`) {
        case 'GET /api/v1/cameras': return json(200, [{ id: 'cam1' }]);
        case 'POST /api/v1/rules': return json(201, { ...JSON.parse(body), version: 1 });
        case 'PUT /api/v1/rules/r%201': return req.headers['if-match'] === '"3"' ? json(200, { id: 'r 1', version: 4 }) : json(412, { error: 'version mismatch' });
        case 'POST /api/v1/rules/dry-run': return json(422, { errors: [{ field: 'polygon[2]', message: 'outside the image' }, { field: 'min_count', message: 'want at least 1' }] });
        case 'GET /api/v1/alerts': return json(401, { error: 'authentication required' });
        case 'POST /api/v1/auth/login': return json(401, { error: 'invalid credentials' });
        case 'DELETE /api/v1/rules/x': return json(403, { error: 'role viewer may not delete rules' });
        case 'POST /api/v1/auth/logout': res.writeHead(204); return res.end();
        case 'GET /api/v1/cameras/cam1/snapshot': res.writeHead(200, { 'Content-Type': 'image/jpeg' }); return res.end(Buffer.from([0xff, 0xd8, 0xff]));
        case 'GET /api/v1/ui': res.writeHead(500, { 'Content-Type': 'text/plain' }); return res.end('upstream exploded\n');
        case 'GET /api/v1/grids': res.writeHead(200, { 'Content-Type': 'application/json' }); return res.end('{not json');
        default: return json(404, { error: 'not found' });
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  const realFetch = globalThis.fetch;
  globalThis.fetch = (path, init) => { inits.push(init); return realFetch(base + path, init); };
});

after(() => new Promise((r) => server.close(r)));

function handlersSpy() {
  const calls = [];
  api.setAuthHandlers({ onUnauthorized: (e) => calls.push(['401', e.message]), onForbidden: (e) => calls.push(['403', e.message]) });
  return calls;
}

test('GET decodes JSON and sends the session cookie same-origin', async () => {
  assert.deepEqual(await api.getCameras(), [{ id: 'cam1' }]);
  assert.equal(inits.at(-1).credentials, 'same-origin');
  assert.equal(seen.at(-1).headers.accept, 'application/json');
});

test('POST and PUT send JSON; PUT carries If-Match with the version', async () => {
  const saved = await api.createRule({ camera: 'cam1', type: 'intrusion', polygon: [[0, 0], [1, 0], [1, 1]] });
  assert.equal(saved.version, 1);
  assert.equal(seen.at(-1).headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(seen.at(-1).body).polygon, [[0, 0], [1, 0], [1, 1]]);
  assert.deepEqual(await api.updateRule('r 1', { id: 'r 1' }, 3), { id: 'r 1', version: 4 });
  assert.equal(seen.at(-1).headers['if-match'], '"3"');
  await assert.rejects(api.updateRule('r 1', { id: 'r 1' }, 2), (e) => e.status === 412 && e.message === 'version mismatch');
});

test('422 carries the field errors', async () => {
  await assert.rejects(api.dryRun({ type: 'intrusion' }), (e) => {
    assert.ok(e instanceof api.ApiError);
    assert.equal(e.status, 422);
    assert.deepEqual(e.errors.map((x) => x.field), ['polygon[2]', 'min_count']);
    assert.match(e.message, /polygon\[2\]: outside the image/);
    assert.equal(e.handled, false);
    return true;
  });
});

test('401 and 403 go to the handlers once, marked handled; login does not', async () => {
  const calls = handlersSpy();
  await assert.rejects(api.listAlerts('/api/v1/alerts'), (e) => e.status === 401 && e.handled);
  await assert.rejects(api.deleteRule('x'), (e) => e.status === 403 && e.handled && /may not delete/.test(e.message));
  await assert.rejects(api.login('u', 'p'), (e) => e.status === 401 && !e.handled);
  assert.deepEqual(calls, [['401', 'authentication required'], ['403', 'role viewer may not delete rules']]);
  const err = api.reportStatus(401, 'stream refused');
  assert.ok(err.handled);
  assert.deepEqual(calls.at(-1), ['401', 'stream refused']);
  assert.equal(api.reportStatus(503).handled, false, 'other statuses are not the handlers\' business');
});

test('204, blobs, non-JSON errors, bad JSON and network failures', async () => {
  assert.equal(await api.logout(), null);
  const blob = await api.cameraSnapshot('cam1');
  assert.equal(blob.size, 3);
  assert.equal(blob.type, 'image/jpeg');
  await assert.rejects(api.getUI(), (e) => e.status === 500 && e.message === 'upstream exploded');
  await assert.rejects(api.getGrids(), (e) => e.status === 200 && /invalid JSON/.test(e.message));
  const realFetch = globalThis.fetch;
  globalThis.fetch = () => Promise.reject(new TypeError('fetch failed'));
  try {
    await assert.rejects(api.getCameras(), (e) => e.status === 0 && /fetch failed/.test(e.message));
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('errorFromResponse without a body names the status', () => {
  const e = api.errorFromResponse(502, '');
  assert.equal(e.message, 'HTTP 502');
  assert.deepEqual(e.errors, []);
});
