// Shared state of the viewer and a tiny event bus between the screens.
//
// Events (detail in brackets): 'grids' [], 'cameras' [], 'lang' [], 'alert' [{ result }],
// 'select' [{ grid }] when the selected grid changes.

import { AlertFeedModel } from './feedmodel.js';
import { buildTree } from './grids.js';

/** Everything the screens share. Written only through the functions below. */
export const store = {
  ui: { title: '锐眼 Sharp Eyes', tile_url: '', tile_attribution: '', tour_dwell_s: 10, language: 'zh-CN' },
  features: [],
  tree: buildTree([]),
  cameras: new Map(), // id → camera status object
  feed: new AlertFeedModel(200),
  selectedGrid: '',
};

const bus = new EventTarget();

/** Subscribes fn(detail) to an event. */
export function on(name, fn) {
  bus.addEventListener(name, (ev) => fn(ev.detail));
}

/** Emits an event to the subscribers. */
export function emit(name, detail = {}) {
  bus.dispatchEvent(new CustomEvent(name, { detail }));
}

/** Replaces the grid data and rebuilds the tree. */
export function setGrids(fc) {
  store.features = (fc && Array.isArray(fc.features)) ? fc.features : [];
  store.tree = buildTree(store.features);
  emit('grids');
}

/** Replaces the camera list. */
export function setCameras(list) {
  store.cameras = new Map((Array.isArray(list) ? list : []).map((c) => [c.id, c]));
  emit('cameras');
}

/** Camera display name, falling back to its id. */
export function cameraName(id) {
  const c = store.cameras.get(id);
  return (c && c.name) || id;
}

/** Grid properties by code, or null. */
export function gridProps(code) {
  const n = store.tree.byCode.get(code);
  return n ? n.props : null;
}
