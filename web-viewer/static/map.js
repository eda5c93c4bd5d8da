// The grid map: grid polygons (GeoJSON, WGS-84) in SVG with Web Mercator, camera markers
// coloured by state, polygons filled by recent alerts, optional raster tiles underneath,
// pan with drag/arrow keys and zoom with wheel/buttons/+-.

import {
  boundsOf, fitView, geometryRings, project, ringCentroid, ringsToPath, tileURL, toScreen,
  visibleTiles, zoomAt,
} from './geo.js';
import { alertLevel, gridAlerts, levelRank } from './grids.js';
import { t } from './i18n.js';
import { store, cameraName } from './store.js';

const $ = (id) => document.getElementById(id);
const DRAG_PX = 4;
const LABEL_MIN_PX = 70;

/** GridMap is the single map controller of the page. */
export const map = {
  view: null, // { scale, tx, ty }; null until fitted
  userMoved: false,
  base: { x0: 0, y0: 0, k: 1 }, // local SVG coords = (world - x0/y0) * k
  shapes: [], // { code, path, label, bbox: {minX,minY,maxX,maxY} world, centroid [x,y] world }
  tiles: new Map(), // key → <img>
  frame: 0,
  onGridClick: () => {},
  onCameraClick: () => {},

  /** Wires the DOM events; call once. */
  init() {
    const el = $('map');
    this.svg = $('map-svg');
    this.gridsG = $('map-grids');
    this.ns = this.svg.namespaceURI;
    this.svg.addEventListener('click', (ev) => this.onClick(ev));
    el.addEventListener('wheel', (ev) => this.onWheel(ev), { passive: false });
    el.addEventListener('pointerdown', (ev) => this.onPointerDown(ev));
    el.addEventListener('keydown', (ev) => this.onKey(ev));
    $('map-zoom-in').addEventListener('click', () => this.zoomBy(1.6));
    $('map-zoom-out').addEventListener('click', () => this.zoomBy(1 / 1.6));
    $('map-fit').addEventListener('click', () => { this.userMoved = false; this.fit(); });
    new ResizeObserver(() => { if (!this.userMoved) this.fit(); else this.schedule(); }).observe(el);
    this.renderLegend();
  },

  /** Rebuilds polygons and markers from the store (grid data or camera list changed). */
  rebuild() {
    this.buildPolygons();
    this.buildMarkers();
    if (!this.view || !this.userMoved) this.fit();
    else this.schedule();
  },

  buildPolygons() {
    const feats = store.features.filter((f) => geometryRings(f.geometry).length && f.properties && f.properties.code);
    feats.sort((a, b) => levelRank(a.properties.level) - levelRank(b.properties.level));
    const pts = feats.flatMap((f) => geometryRings(f.geometry).flat());
    for (const c of store.cameras.values()) if (c.location) pts.push([c.location.lon, c.location.lat]);
    this.bounds = boundsOf(pts);
    $('map-empty').hidden = !!this.bounds;
    if (this.bounds) {
      const span = Math.max(this.bounds.maxX - this.bounds.minX, this.bounds.maxY - this.bounds.minY, 1e-9);
      this.base = { x0: this.bounds.minX, y0: this.bounds.minY, k: 1000 / span };
    }
    const { x0, y0, k } = this.base;
    const local = (x, y) => [(x - x0) * k, (y - y0) * k];
    this.shapes = [];
    const paths = [], labels = [];
    for (const f of feats) {
      const p = f.properties;
      const rings = geometryRings(f.geometry);
      const path = document.createElementNS(this.ns, 'path');
      path.setAttribute('d', ringsToPath(rings, local));
      path.dataset.grid = p.code;
      path.setAttribute('class', `grid-poly level-${p.level} alert-${alertLevel(gridAlerts(p))}`);
      path.classList.toggle('selected', p.code === store.selectedGrid);
      path.setAttribute('tabindex', '-1');
      const title = document.createElementNS(this.ns, 'title');
      title.textContent = `${p.name} (${p.code}) · ${t('map.alerts1h')} ${gridAlerts(p)}`;
      path.append(title);
      paths.push(path);
      const outer = rings.reduce((a, r) => (r.length > a.length ? r : a), []);
      const label = document.createElementNS(this.ns, 'text');
      label.setAttribute('class', `grid-label level-${p.level}`);
      label.textContent = p.name || p.code;
      labels.push(label);
      this.shapes.push({
        code: p.code, path, label,
        bbox: boundsOf(rings.flat()),
        centroid: project(...ringCentroid(outer)),
        labelled: p.level === 'grid' || levelRank(p.level) > 3,
      });
    }
    this.gridsG.replaceChildren(...paths);
    $('map-labels').replaceChildren(...labels);
  },

  buildMarkers() {
    const markers = [];
    for (const c of store.cameras.values()) {
      if (!c.location || !Number.isFinite(c.location.lat) || !Number.isFinite(c.location.lon)) continue;
      const m = document.createElementNS(this.ns, 'circle');
      m.setAttribute('class', 'cam-marker');
      m.setAttribute('r', '6');
      m.dataset.marker = c.id;
      m.dataset.state = c.state || 'unknown';
      m.classList.toggle('in-grid', !!store.selectedGrid && c.grid === store.selectedGrid);
      m.world = project(c.location.lon, c.location.lat);
      const title = document.createElementNS(this.ns, 'title');
      title.textContent = `${cameraName(c.id)} · ${t('state.' + c.state, c.state)}`;
      m.append(title);
      markers.push(m);
    }
    $('map-cameras').replaceChildren(...markers);
    this.schedule();
  },

  /** Fits the view to the data. */
  fit() {
    const el = $('map');
    if (!this.bounds || !el.clientWidth) return;
    this.view = fitView(this.bounds, el.clientWidth, el.clientHeight);
    this.schedule();
  },

  zoomBy(factor, px, py) {
    if (!this.view) return;
    const el = $('map');
    this.view = zoomAt(this.view, factor, px ?? el.clientWidth / 2, py ?? el.clientHeight / 2);
    this.userMoved = true;
    this.schedule();
  },

  panBy(dx, dy) {
    if (!this.view) return;
    this.view = { ...this.view, tx: this.view.tx + dx, ty: this.view.ty + dy };
    this.userMoved = true;
    this.schedule();
  },

  /** Marks grid code selected (polygon outline, markers of its cameras). */
  select(code) {
    for (const s of this.shapes) s.path.classList.toggle('selected', s.code === code);
    for (const m of $('map-cameras').children) {
      const c = store.cameras.get(m.dataset.marker);
      m.classList.toggle('in-grid', !!code && !!c && c.grid === code);
    }
  },

  /** Briefly highlights grid code (a new alert arrived there). */
  flash(code) {
    const s = this.shapes.find((x) => x.code === code);
    if (!s) return;
    s.path.classList.remove('flash');
    requestAnimationFrame(() => s.path.classList.add('flash'));
    clearTimeout(s.flashTimer);
    s.flashTimer = setTimeout(() => s.path.classList.remove('flash'), 3000);
  },

  schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  },

  draw() {
    const v = this.view;
    if (!v) return;
    const { x0, y0, k } = this.base;
    const s = v.scale / k;
    this.gridsG.setAttribute('transform', `matrix(${s} 0 0 ${s} ${x0 * v.scale + v.tx} ${y0 * v.scale + v.ty})`);
    for (const sh of this.shapes) {
      const w = (sh.bbox.maxX - sh.bbox.minX) * v.scale;
      const show = sh.labelled && w >= LABEL_MIN_PX;
      sh.label.style.display = show ? '' : 'none';
      if (show) {
        const [lx, ly] = toScreen(v, ...sh.centroid);
        sh.label.setAttribute('x', lx.toFixed(1));
        sh.label.setAttribute('y', ly.toFixed(1));
      }
    }
    for (const m of $('map-cameras').children) {
      const [mx, my] = toScreen(v, ...m.world);
      m.setAttribute('cx', mx.toFixed(1));
      m.setAttribute('cy', my.toFixed(1));
    }
    this.drawTiles();
  },

  drawTiles() {
    const tpl = store.ui.tile_url;
    const layer = $('map-tiles');
    if (!tpl) { if (this.tiles.size) { layer.replaceChildren(); this.tiles.clear(); } return; }
    const el = $('map');
    const want = visibleTiles(this.view, el.clientWidth, el.clientHeight);
    const keep = new Set();
    for (const tl of want) {
      const key = `${tl.z}/${tl.wx}/${tl.y}`;
      keep.add(key);
      let img = this.tiles.get(key);
      if (!img) {
        img = document.createElement('img');
        img.alt = '';
        img.decoding = 'async';
        img.draggable = false;
        img.addEventListener('error', () => { img.style.visibility = 'hidden'; });
        img.src = tileURL(tpl, tl.z, tl.x, tl.y);
        this.tiles.set(key, img);
        layer.append(img);
      }
      img.style.width = img.style.height = `${tl.size + 0.5}px`;
      img.style.transform = `translate(${tl.left}px, ${tl.top}px)`;
    }
    for (const [key, img] of this.tiles) if (!keep.has(key)) { img.remove(); this.tiles.delete(key); }
  },

  onClick(ev) {
    if (this.suppressClick) { this.suppressClick = false; return; }
    const marker = ev.target.closest('[data-marker]');
    if (marker) { this.onCameraClick(marker.dataset.marker); return; }
    const poly = ev.target.closest('[data-grid]');
    if (poly) this.onGridClick(poly.dataset.grid);
  },

  onWheel(ev) {
    ev.preventDefault();
    const r = $('map').getBoundingClientRect();
    const dy = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaY;
    this.zoomBy(Math.exp(-dy * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
  },

  onPointerDown(ev) {
    if (ev.button !== 0 || ev.target.closest('button')) return;
    const el = $('map');
    const start = { x: ev.clientX, y: ev.clientY };
    let last = start, dragging = false;
    const move = (e) => {
      if (!dragging && Math.hypot(e.clientX - start.x, e.clientY - start.y) < DRAG_PX) return;
      if (!dragging) { dragging = true; el.setPointerCapture(ev.pointerId); el.classList.add('dragging'); }
      this.panBy(e.clientX - last.x, e.clientY - last.y);
      last = { x: e.clientX, y: e.clientY };
    };
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
      el.classList.remove('dragging');
      this.suppressClick = dragging; // the click that ends a drag selects nothing
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
  },

  onKey(ev) {
    const step = 60;
    const keys = {
      ArrowLeft: () => this.panBy(step, 0), ArrowRight: () => this.panBy(-step, 0),
      ArrowUp: () => this.panBy(0, step), ArrowDown: () => this.panBy(0, -step),
      '+': () => this.zoomBy(1.6), '=': () => this.zoomBy(1.6), '-': () => this.zoomBy(1 / 1.6),
      0: () => { this.userMoved = false; this.fit(); },
    };
    const fn = keys[ev.key];
    if (fn) { ev.preventDefault(); fn(); }
  },

  /** Legend and tile attribution (language or UI settings changed). */
  renderLegend() {
    const lg = $('map-legend');
    lg.replaceChildren();
    const row = (cls, text) => {
      const item = document.createElement('span');
      item.className = 'legend-item';
      const sw = document.createElement('i');
      sw.className = cls;
      sw.setAttribute('aria-hidden', 'true');
      item.append(sw, document.createTextNode(text));
      lg.append(item);
    };
    const head = document.createElement('strong');
    head.textContent = t('map.legendAlerts');
    lg.append(head);
    row('swatch alert-none', t('map.alertsNone'));
    row('swatch alert-few', t('map.alertsFew'));
    row('swatch alert-many', t('map.alertsMany'));
    const head2 = document.createElement('strong');
    head2.textContent = t('map.legendCameras');
    lg.append(head2);
    for (const st of ['online', 'connecting', 'idle', 'offline', 'disabled']) row(`dot state-${st}`, t('state.' + st));
    $('map-attribution').textContent = store.ui.tile_url ? store.ui.tile_attribution || '' : '';
  },
};
