// Sharp Eyes viewer entry point: loads /api/v1/ui, grids and cameras, wires the screens,
// routes between map, wall, focused view and health (location hash), polls the API and
// keeps the header clock. Polls run one at a time (setTimeout chains), never overlapping.

import { alertFeed } from './alerts.js';
import * as api from './api.js';
import { focus } from './focus.js';
import { formatClock } from './format.js';
import { health } from './health.js';
import { markClick } from './hooks.js';
import { applyI18n, getLang, initLang, onLangChange, setLang, t } from './i18n.js';
import { map } from './map.js';
import { emit, on, setCameras, setGrids, store } from './store.js';
import { tour } from './tour.js';
import { tree } from './tree.js';
import { wall } from './wall.js';
import { backoffDelay } from './whep.js';

const $ = (id) => document.getElementById(id);
const CAMERA_POLL_MS = 5000;
const GRID_POLL_MS = 15000;

let view = 'map';

// ---- navigation -------------------------------------------------------------------------

/** Opens a grid's video wall; WHEP sessions start before anything else is touched. */
function openGrid(code, t0 = performance.now(), { push = true, fromTour = false } = {}) {
  if (!fromTour) tour.stop();
  wall.open(code, t0);
  focus.close();
  store.selectedGrid = code;
  show('wall', push ? `#/grid/${encodeURIComponent(code)}` : null);
  map.select(code);
  tree.select(code);
}

/** Opens one camera in the focused view (main stream). */
function openFocus(cameraId, { t0 = performance.now(), alert = null, push = true, fromTour = false } = {}) {
  if (!fromTour) tour.stop();
  const list = wall.has(cameraId) ? wall.cameraIds() : [cameraId];
  focus.open(cameraId, { t0, list, alert });
  const prefix = wall.has(cameraId) ? `#/grid/${encodeURIComponent(wall.grid)}` : '';
  const hash = `${prefix}/camera/${encodeURIComponent(cameraId)}`.replace(/^\//, '#/');
  // Tour steps replace the history entry once the focused view is showing, so Back leaves it.
  show('focus', push || fromTour ? hash : null, fromTour && view === 'focus');
}

/** Leaves the focused view for the wall (Esc, ← button). */
function closeFocus() {
  tour.stop();
  if (history.state && history.state.sharpeyes && history.state.view === 'focus') history.back();
  else { focus.close(); show(wall.grid ? 'wall' : 'map', wall.grid ? `#/grid/${encodeURIComponent(wall.grid)}` : '#/map', true); }
}

/** Switches the visible screen; hash (when given) is pushed, or replaces when replace. */
function show(next, hash, replace = false) {
  view = next;
  $('app').dataset.view = next;
  $('view-wall').hidden = next === 'focus';
  $('view-focus').hidden = next !== 'focus';
  for (const b of document.querySelectorAll('[data-nav]')) {
    const active = b.dataset.nav === next || (b.dataset.nav === 'wall' && next === 'focus');
    if (active) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  }
  if (hash && hash !== location.hash) {
    const state = { sharpeyes: true, view: next };
    if (replace) history.replaceState(state, '', hash); else history.pushState(state, '', hash);
  }
  if (next === 'map') map.schedule();
}

/** Applies location.hash (boot and browser back/forward). */
function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [kind, id, sub, camId] = parts;
  if (kind === 'grid' && store.tree.byCode.has(id)) {
    if (wall.grid !== id) openGrid(id, performance.now(), { push: false });
    if (sub === 'camera' && camId) openFocus(camId, { push: false });
    else { tour.stop(); focus.close(); show('wall', null); }
  } else if (kind === 'camera' && id) {
    openFocus(id, { push: false });
  } else if (kind === 'health') {
    tour.stop(); focus.close(); show('health', null);
  } else {
    tour.stop(); focus.close(); show('map', null);
  }
}

// ---- wiring -----------------------------------------------------------------------------

function wire() {
  map.onGridClick = (code) => openGrid(code, markClick());
  map.onCameraClick = (id) => openFocus(id, { t0: markClick() });
  tree.onGridClick = (code) => openGrid(code, markClick());
  wall.onTileClick = (id) => openFocus(id, { t0: markClick() });
  health.onCameraClick = (id) => openFocus(id, { t0: markClick() });
  alertFeed.onAlertClick = (a) => openFocus(a.camera.id, { t0: markClick(), alert: a });
  alertFeed.onFlash = (code) => map.flash(code);
  tour.currentView = () => view;
  tour.focusCamera = (id) => openFocus(id ?? focus.neighbour(1), { fromTour: true });

  $('wall-close').addEventListener('click', () => { tour.stop(); wall.close(); store.selectedGrid = ''; map.select(''); tree.render(); show('map', '#/map'); });
  $('wall-prev').addEventListener('click', () => { tour.stop(); wall.step(-1); });
  $('wall-next').addEventListener('click', () => { tour.stop(); wall.step(1); });
  $('focus-back').addEventListener('click', closeFocus);
  $('focus-prev').addEventListener('click', () => openFocus(focus.neighbour(-1), { t0: markClick(), push: false }));
  $('focus-next').addEventListener('click', () => openFocus(focus.neighbour(1), { t0: markClick(), push: false }));
  for (const b of document.querySelectorAll('[data-nav]')) {
    b.addEventListener('click', () => {
      const target = b.dataset.nav;
      tour.stop();
      if (target !== 'wall') focus.close();
      if (target === 'wall' && view === 'focus') { closeFocus(); return; }
      show(target, target === 'wall' && wall.grid ? `#/grid/${encodeURIComponent(wall.grid)}` : `#/${target}`);
      if (target === 'wall') wall.render();
    });
  }
  $('lang-toggle').addEventListener('click', () => setLang(getLang() === 'zh-CN' ? 'en' : 'zh-CN'));
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || ev.target.matches('input, select, textarea')) return;
    if (view === 'focus') closeFocus();
    else if (tour.running) tour.stop();
  });
  window.addEventListener('popstate', route);
  window.addEventListener('pagehide', () => { focus.close(); wall.close(); alertFeed.closeStream(); });

  onLangChange(() => emit('lang'));
  on('lang', () => {
    applyI18n(document);
    document.title = store.ui.title || t('app.title');
    const cs = $('conn-status');
    if (cs.dataset.status) cs.textContent = t('conn.' + cs.dataset.status);
    tree.render(); map.buildPolygons(); map.buildMarkers(); map.renderLegend();
    wall.render(); focus.render(); health.render(); alertFeed.renderAll(); tour.render();
  });
  on('grids', () => { map.rebuild(); tree.render(); alertFeed.renderGridOptions(); wall.render(); });
  on('cameras', () => { map.buildMarkers(); health.render(); wall.render(); focus.render(); });
  on('alert', () => { if (view === 'focus') focus.renderAlerts(); });
}

// ---- polling ----------------------------------------------------------------------------

function poll(fetcher, apply, everyMs) {
  let failures = 0;
  const tick = async () => {
    if (!document.hidden || failures) {
      try {
        apply(await fetcher());
        if (failures) setBanner('');
        failures = 0;
      } catch (err) {
        failures++;
        setBanner(t('banner.offline'), err);
      }
    }
    setTimeout(tick, failures ? Math.max(backoffDelay(failures + 2), 2000) : everyMs);
  };
  setTimeout(tick, everyMs);
}

function setBanner(text, err) {
  const b = $('banner');
  b.hidden = !text;
  b.textContent = text;
  b.title = err ? String(err.message || err) : '';
  $('conn-status').dataset.status = text ? 'offline' : 'online';
  $('conn-status').textContent = t(text ? 'conn.offline' : 'conn.online');
}

function startClock() {
  const el = $('clock');
  const tick = () => {
    const now = new Date();
    el.textContent = formatClock(now);
    el.dateTime = now.toISOString();
    setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  };
  tick();
}

// ---- boot -------------------------------------------------------------------------------

async function loadInitial() {
  for (let attempt = 0; ; attempt++) {
    try {
      const [ui, grids, cameras] = await Promise.all([api.getUI(), api.getGrids(), api.getCameras()]);
      return { ui, grids, cameras };
    } catch (err) {
      setBanner(t('banner.offline'), err);
      await new Promise((r) => setTimeout(r, Math.max(backoffDelay(attempt + 2), 1000)));
    }
  }
}

async function boot() {
  initLang(null);
  applyI18n(document);
  startClock();
  map.init();
  tree.init();
  health.init();
  wire();
  tour.init(store.ui.tour_dwell_s);
  alertFeed.init();
  const { ui, grids, cameras } = await loadInitial();
  setBanner('');
  Object.assign(store.ui, ui || {});
  $('app-title').textContent = store.ui.title;
  document.title = store.ui.title;
  tour.setDefault(store.ui.tour_dwell_s);
  if (initLang(store.ui.language)) emit('lang');
  map.renderLegend();
  setCameras(cameras);
  setGrids(grids);
  route();
  poll(api.getCameras, setCameras, CAMERA_POLL_MS);
  poll(api.getGrids, setGrids, GRID_POLL_MS);
}

boot();
