// Same-origin API calls of the viewer (contract in web-viewer/README.md). The one place
// that talks JSON to the gateway and handles its errors:
//
// - every call sends the session cookie (credentials: 'same-origin'); the token is never
//   kept in script-readable storage;
// - a non-2xx answer throws an ApiError {status, message, errors}: message from
//   {"error": "..."}, errors from a 422 {"errors": [{field, message}]}; status 0 for a
//   network failure or timeout;
// - 401 calls the unauthorized handler (the app shows the login screen) and 403 the
//   forbidden handler (the app shows 无权限…); both errors come back with handled = true,
//   so callers need not show them again. whep.js and the SSE streams report their own
//   401/403 through reportStatus.

const TIMEOUT_MS = 10000;

/** ApiError is what every failed call throws. */
export class ApiError extends Error {
  constructor(status, message, errors = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errors = errors;
    this.handled = false;
  }
}

const handlers = { unauthorized: () => {}, forbidden: () => {} };

/** Installs the app's reactions to 401 (onUnauthorized) and 403 (onForbidden), each fn(err). */
export function setAuthHandlers({ onUnauthorized, onForbidden }) {
  if (onUnauthorized) handlers.unauthorized = onUnauthorized;
  if (onForbidden) handlers.forbidden = onForbidden;
}

/**
 * Passes a 401 or 403 seen outside request() (WHEP, an SSE stream) to the handlers.
 * Returns the ApiError, marked handled when a handler took it.
 */
export function reportStatus(status, message = '') {
  const err = new ApiError(status, message || `HTTP ${status}`);
  if (status === 401) { err.handled = true; handlers.unauthorized(err); }
  if (status === 403) { err.handled = true; handlers.forbidden(err); }
  return err;
}

/** The ApiError for a failed response whose body text is text. */
export function errorFromResponse(status, text) {
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  const errors = body && Array.isArray(body.errors) ? body.errors.filter((e) => e && typeof e === 'object') : [];
  let message = body && typeof body.error === 'string' ? body.error : '';
  if (!message && errors.length) message = errors.map((e) => (e.field ? `${e.field}: ${e.message}` : String(e.message))).join('; ');
  if (!message) message = (text || '').trim().slice(0, 200) || `HTTP ${status}`;
  return new ApiError(status, message, errors);
}

/**
 * One API call. opts: body (sent as JSON), headers, timeout (ms), as ('json' | 'blob'),
 * auth (false: a 401/403 does not call the handlers; login and the boot check use it).
 * Resolves to the decoded body (null for 204 or an empty body).
 */
export async function request(method, path, opts = {}) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeout || TIMEOUT_MS);
  const headers = { Accept: opts.as === 'blob' ? '*/*' : 'application/json', ...(opts.headers || {}) };
  const init = { method, headers, credentials: 'same-origin', signal: ctl.signal };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(path, init);
    if (res.ok) {
      if (opts.as === 'blob') return await res.blob();
      const text = await res.text();
      if (!text) return null;
      try { return JSON.parse(text); } catch { throw new ApiError(res.status, `${path}: invalid JSON`); }
    }
    const err = errorFromResponse(res.status, await res.text().catch(() => ''));
    if (opts.auth !== false && (res.status === 401 || res.status === 403)) {
      err.handled = true;
      (res.status === 401 ? handlers.unauthorized : handlers.forbidden)(err);
    }
    throw err;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const msg = err && err.name === 'AbortError' ? `${path}: timeout` : `${path}: ${(err && err.message) || err}`;
    throw new ApiError(0, msg);
  } finally {
    clearTimeout(timer);
  }
}

/** GET path → decoded JSON. */
export const getJSON = (path, opts) => request('GET', path, opts);
/** POST body as JSON → decoded JSON. */
export const postJSON = (path, body, opts = {}) => request('POST', path, { ...opts, body });
/** PUT body as JSON → decoded JSON. */
export const putJSON = (path, body, opts = {}) => request('PUT', path, { ...opts, body });
/** DELETE path → decoded JSON or null. */
export const deleteJSON = (path, opts) => request('DELETE', path, opts);

const enc = encodeURIComponent;

// ---- viewer -------------------------------------------------------------------------------

/** GET /api/v1/ui: title, tile_url, tile_attribution, tour_dwell_s, language. */
export const getUI = () => getJSON('/api/v1/ui');
/** GET /api/v1/grids: GeoJSON FeatureCollection of every grid. */
export const getGrids = () => getJSON('/api/v1/grids');
/** GET /api/v1/cameras: array of camera status objects. */
export const getCameras = () => getJSON('/api/v1/cameras');

// ---- session ------------------------------------------------------------------------------

/** GET /api/v1/auth/me → {name, role, grid, kind}; throws ApiError 401 without a session. */
export const me = () => getJSON('/api/v1/auth/me', { auth: false });
/** POST /api/v1/auth/login → {token, expires_at, user}; the server sets the session cookie. */
export const login = (username, password) => postJSON('/api/v1/auth/login', { username, password }, { auth: false });
/** POST /api/v1/auth/logout: ends the session and clears the cookie. */
export const logout = () => postJSON('/api/v1/auth/logout', undefined, { auth: false });

/** Asks /auth/me and reports a 401 to the handler; used after a stream was refused. */
export async function checkSession() {
  try {
    await me();
    return true;
  } catch (err) {
    if (err.status === 401) reportStatus(401, err.message);
    return false;
  }
}

// ---- rules --------------------------------------------------------------------------------

/** GET /api/v1/rules?camera=ID → [rule]. */
export const listRules = (camera) => getJSON('/api/v1/rules' + (camera ? `?camera=${enc(camera)}` : ''));
/** GET /api/v1/rules/{id} → rule. */
export const getRule = (id) => getJSON(`/api/v1/rules/${enc(id)}`);
/** POST /api/v1/rules → 201 rule. */
export const createRule = (rule) => postJSON('/api/v1/rules', rule);
/** PUT /api/v1/rules/{id} with If-Match "<version>" (when known) → rule; 412 when changed meanwhile. */
export const updateRule = (id, rule, version) =>
  putJSON(`/api/v1/rules/${enc(id)}`, rule, version ? { headers: { 'If-Match': `"${version}"` } } : {});
/** DELETE /api/v1/rules/{id}. */
export const deleteRule = (id) => deleteJSON(`/api/v1/rules/${enc(id)}`);
/** GET /api/v1/rules/{id}/versions → [{version, op, actor, at, comment, rule}], newest first. */
export const ruleVersions = (id) => getJSON(`/api/v1/rules/${enc(id)}/versions`);
/** POST /api/v1/rules/{id}/rollback {version} → rule. */
export const rollbackRule = (id, version) => postJSON(`/api/v1/rules/${enc(id)}/rollback`, { version });
/** POST /api/v1/rules/dry-run with an unsaved rule → {rule_id, camera, from, to, frames, alerts}. */
export const dryRun = (rule) => postJSON('/api/v1/rules/dry-run', rule, { timeout: 30000 });
/** GET /api/v1/cameras/{id}/snapshot → JPEG Blob (the gateway waits up to 5 s for a frame). */
export const cameraSnapshot = (id) => getJSON(`/api/v1/cameras/${enc(id)}/snapshot`, { as: 'blob', timeout: 15000 });
/** SSE URL of a camera's live detections. */
export const detectionsURL = (id) => `/api/v1/cameras/${enc(id)}/detections/stream`;

// ---- alert handling -----------------------------------------------------------------------

/** GET an /api/v1/alerts URL (workflow.alertsURL) → {alerts, next}. */
export const listAlerts = (url) => getJSON(url);
/** GET /api/v1/alerts/{event_id} → row with transitions. */
export const getAlert = (id) => getJSON(`/api/v1/alerts/${enc(id)}`);
/** GET a /api/v1/plates URL (plate.platesURL) → {plates, next, truncated}. */
export const searchPlates = (url) => getJSON(url, { timeout: 30000 });
/** POST a transition; state (when known) goes into If-Match. 409 when the move is not allowed now. */
export const transition = (id, body, state) => postJSON(`/api/v1/alerts/${enc(id)}/transitions`, body,
  { timeout: 30000, headers: state ? { 'If-Match': `"${state}"` } : {} });
