// The video wall: the selected grid's cameras in a 1/4/9/16 tile layout, paged when there
// are more than 16. Tiles of the current page stay open while the focused view is shown,
// so returning to the wall is instant; everything closes when another grid opens.

import { wallLayout, wallPage } from './format.js';
import { camerasForGrid } from './grids.js';
import { t } from './i18n.js';
import { gridProps } from './store.js';
import { Tile } from './tile.js';

const $ = (id) => document.getElementById(id);

/** Wall is the single wall controller of the page. */
export const wall = {
  grid: '',
  ids: [],
  perPage: 1,
  page: 0,
  pages: 1,
  tiles: new Map(), // cameraId → Tile on the current page
  onTileClick: () => {},

  /** Opens grid code and starts its tiles at once; t0 is the click time. */
  open(code, t0 = performance.now()) {
    if (code === this.grid && this.tiles.size) return;
    this.closeTiles();
    this.grid = code;
    this.ids = camerasForGrid(gridProps(code));
    this.perPage = wallLayout(this.ids.length);
    this.page = 0;
    this.showPage(0, t0);
  },

  /** Shows page p (wrapped), reusing tiles that stay visible. */
  showPage(p, t0 = performance.now()) {
    const pg = wallPage(this.ids, this.perPage, p);
    this.page = pg.page;
    this.pages = pg.pages;
    const keep = new Set(pg.ids);
    for (const [id, tile] of this.tiles) if (!keep.has(id)) { tile.close(); this.tiles.delete(id); }
    const box = $('wall');
    box.dataset.layout = String(this.perPage);
    const order = [];
    for (const id of pg.ids) {
      let tile = this.tiles.get(id);
      if (!tile) {
        tile = new Tile(id, { stream: 'sub', t0, onClick: (cam) => this.onTileClick(cam) });
        this.tiles.set(id, tile);
        box.append(tile.el);
        tile.start(); // start WHEP before any other DOM work
      }
      order.push(tile.el);
    }
    box.replaceChildren(...order);
    this.render();
  },

  /** Next (+1) or previous (-1) page. */
  step(delta) {
    if (this.pages > 1) this.showPage(this.page + delta);
  },

  /** Closes all tiles and forgets the grid. */
  close() {
    this.closeTiles();
    this.grid = '';
    this.ids = [];
    this.render();
  },

  closeTiles() {
    for (const tile of this.tiles.values()) tile.close();
    this.tiles.clear();
    $('wall').replaceChildren();
  },

  /** Refreshes titles, counters and tile overlays (language or camera list changed). */
  render() {
    const props = gridProps(this.grid);
    $('wall-title').textContent = props ? props.name || props.code : t('wall.none');
    $('wall-count').textContent = this.grid ? t('wall.cameras', '{n}').replace('{n}', String(this.ids.length)) : '';
    const paged = this.pages > 1;
    for (const id of ['wall-prev', 'wall-next', 'wall-page']) $(id).hidden = !paged;
    $('wall-page').textContent = `${this.page + 1} / ${this.pages}`;
    const empty = $('wall-empty');
    empty.hidden = this.ids.length > 0;
    empty.textContent = this.grid ? t('wall.noCameras') : t('wall.pick');
    for (const tile of this.tiles.values()) tile.render();
  },

  /** Whether cameraId is in the open grid. */
  has(cameraId) { return this.ids.includes(cameraId); },

  /** The open grid's camera list, for the focused view's prev/next and the tour. */
  cameraIds() { return this.ids.slice(); },
};
