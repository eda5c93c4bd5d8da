// One-key tour (轮巡): cycles the wall's pages when the grid has more cameras than tiles,
// otherwise the grid's cameras one by one in the focused view. The dwell time comes from
// /api/v1/ui (tour_dwell_s) and can be changed in the header (kept in localStorage).
// One timer at most; stop() or any manual navigation ends it.

import { t } from './i18n.js';
import { wall } from './wall.js';

const $ = (id) => document.getElementById(id);
const DWELL_KEY = 'sharpeyes.tourDwell';
const MIN_DWELL_S = 3, MAX_DWELL_S = 600;

/** Clamps a dwell time in seconds to [3, 600]; non-numbers give fallback. */
export function clampDwell(v, fallback = 10) {
  const n = Math.round(Number(v));
  if (!Number.isFinite(n) || n <= 0) return fallback;
  return Math.max(MIN_DWELL_S, Math.min(MAX_DWELL_S, n));
}

/** Tour is the single tour controller of the page. */
export const tour = {
  running: false,
  mode: '', // 'pages' or 'cameras'
  timer: 0,
  dwellS: 10,
  // Set by the app: current view, and how to show one camera of the open grid.
  currentView: () => 'map',
  focusCamera: () => {},

  /** Wires the button and the dwell input; defaultDwell comes from /api/v1/ui. */
  init(defaultDwell) {
    const saved = localStorage.getItem(DWELL_KEY);
    this.dwellS = clampDwell(saved ?? defaultDwell, clampDwell(defaultDwell));
    const input = $('tour-dwell');
    input.value = String(this.dwellS);
    input.addEventListener('change', () => {
      this.dwellS = clampDwell(input.value, this.dwellS);
      input.value = String(this.dwellS);
      localStorage.setItem(DWELL_KEY, String(this.dwellS));
      if (this.running) this.arm();
    });
    $('tour-toggle').addEventListener('click', () => (this.running ? this.stop() : this.start()));
    this.render();
  },

  /** Sets the default dwell from the server unless the operator chose one. */
  setDefault(defaultDwell) {
    if (localStorage.getItem(DWELL_KEY) != null) return;
    this.dwellS = clampDwell(defaultDwell, this.dwellS);
    $('tour-dwell').value = String(this.dwellS);
  },

  /** Starts touring the open grid; does nothing without one. */
  start() {
    const ids = wall.cameraIds();
    if (!ids.length) { this.flashHint(); return; }
    this.running = true;
    this.mode = this.currentView() !== 'focus' && wall.pages > 1 ? 'pages' : 'cameras';
    if (this.mode === 'cameras' && this.currentView() !== 'focus') this.focusCamera(ids[0]);
    this.arm();
    this.render();
  },

  /** Stops the tour; safe to call when it is not running. */
  stop() {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.render();
  },

  arm() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.advance(), this.dwellS * 1000);
  },

  advance() {
    if (!this.running) return;
    if (this.mode === 'pages') wall.step(1);
    else this.focusCamera(null); // null: the next camera after the focused one
    this.arm();
  },

  flashHint() {
    const btn = $('tour-toggle');
    btn.title = t('tour.needGrid');
    btn.classList.add('shake');
    setTimeout(() => btn.classList.remove('shake'), 600);
  },

  /** Button label and pressed state. */
  render() {
    const btn = $('tour-toggle');
    btn.setAttribute('aria-pressed', String(this.running));
    btn.textContent = this.running ? t('tour.stop') : t('tour.start');
    btn.title = this.running ? t('tour.running') : '';
  },
};
