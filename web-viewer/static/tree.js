// The grid tree beside the map: district/street → community → grid (administrative), then
// the industry grids (school, hospital, scenic, industry) grouped by kind. Each item is a
// <button data-grid="code">; grids without a polygon are shown here only (marked).

import { ancestry, alertLevel, camerasForGrid, gridAlerts, INDUSTRY_LEVELS, matchesQuery } from './grids.js';
import { t } from './i18n.js';
import { store } from './store.js';

const $ = (id) => document.getElementById(id);

/** GridTree is the single tree controller of the page. */
export const tree = {
  expanded: new Set(), // codes of expanded nodes; survives rebuilds
  query: '',
  onGridClick: () => {},
  initialised: false,

  /** Wires the filter box and click delegation; call once. */
  init() {
    $('tree-filter').addEventListener('input', (ev) => {
      this.query = ev.target.value.trim().toLowerCase();
      this.render();
    });
    $('grid-tree').addEventListener('click', (ev) => {
      const tog = ev.target.closest('[data-toggle]');
      if (tog) {
        const code = tog.dataset.toggle;
        if (this.expanded.has(code)) this.expanded.delete(code); else this.expanded.add(code);
        this.render();
        return;
      }
      const item = ev.target.closest('button[data-grid]');
      if (item) this.onGridClick(item.dataset.grid);
    });
  },

  /** Rebuilds the tree from the store. The first build expands the top two levels. */
  render() {
    const { roots, industry } = store.tree;
    if (!this.initialised && roots.length) {
      this.initialised = true;
      for (const r of roots) { this.expanded.add(r.props.code); r.children.forEach((c) => this.expanded.add(c.props.code)); }
    }
    const nav = $('grid-tree');
    const scroll = nav.scrollTop;
    const top = document.createElement('ul');
    top.setAttribute('role', 'tree');
    top.className = 'tree';
    for (const r of roots) this.appendNode(top, r, 1);
    const parts = [top];
    const groups = INDUSTRY_LEVELS.filter((l) => industry[l].some((n) => matchesQuery(n, this.query)));
    if (groups.length) {
      const h = document.createElement('h3');
      h.textContent = t('tree.industry');
      parts.push(h);
      const ul = document.createElement('ul');
      ul.setAttribute('role', 'tree');
      ul.className = 'tree industry';
      for (const level of groups) {
        const li = document.createElement('li');
        li.className = 'tree-group';
        const label = document.createElement('span');
        label.className = 'tree-group-label';
        label.textContent = t('level.' + level, level);
        const sub = document.createElement('ul');
        sub.setAttribute('role', 'group');
        for (const n of industry[level]) this.appendNode(sub, n, 2);
        li.append(label, sub);
        ul.append(li);
      }
      parts.push(ul);
    }
    if (!roots.length && !groups.length) {
      const p = document.createElement('p');
      p.className = 'empty';
      p.textContent = store.features.length ? t('tree.noMatch') : t('tree.empty');
      parts.push(p);
    }
    nav.replaceChildren(...parts);
    nav.scrollTop = scroll;
  },

  appendNode(parent, node, depth) {
    if (!matchesQuery(node, this.query)) return;
    const p = node.props;
    const li = document.createElement('li');
    li.setAttribute('role', 'treeitem');
    li.style.setProperty('--depth', String(depth));
    const open = this.query ? true : this.expanded.has(p.code);
    const row = document.createElement('div');
    row.className = 'tree-row';
    if (node.children.length) {
      li.setAttribute('aria-expanded', String(open));
      const tog = document.createElement('button');
      tog.type = 'button';
      tog.className = 'tree-toggle';
      tog.dataset.toggle = p.code;
      tog.setAttribute('aria-label', t(open ? 'tree.collapse' : 'tree.expand'));
      tog.textContent = open ? '▾' : '▸';
      row.append(tog);
    } else {
      const pad = document.createElement('span');
      pad.className = 'tree-toggle-pad';
      row.append(pad);
    }
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'tree-item';
    btn.dataset.grid = p.code;
    btn.dataset.level = p.level;
    if (p.code === store.selectedGrid) btn.setAttribute('aria-current', 'true');
    const alerts = gridAlerts(p);
    const name = document.createElement('span');
    name.className = 'tree-name';
    name.textContent = p.name || p.code;
    const meta = document.createElement('span');
    meta.className = 'tree-meta';
    meta.textContent = `${t('level.' + p.level, p.level)} · ${camerasForGrid(p).length}${t('tree.camerasShort')}`;
    btn.append(name, meta);
    if (!node.feature.geometry) {
      const np = document.createElement('span');
      np.className = 'tree-nopoly';
      np.title = t('tree.noPolygon');
      np.setAttribute('aria-label', t('tree.noPolygon'));
      np.textContent = '◌';
      btn.append(np);
    }
    if (alerts > 0) {
      const badge = document.createElement('span');
      badge.className = `badge alert-${alertLevel(alerts)}`;
      badge.textContent = String(alerts);
      badge.title = t('map.alerts1h');
      btn.append(badge);
    }
    btn.title = `${p.name} (${p.code})`;
    row.append(btn);
    li.append(row);
    if (node.children.length && open) {
      const ul = document.createElement('ul');
      ul.setAttribute('role', 'group');
      for (const c of node.children) this.appendNode(ul, c, depth + 1);
      li.append(ul);
    }
    parent.append(li);
  },

  /** Selects code: expands its ancestors and scrolls it into view. */
  select(code) {
    for (const c of ancestry(code, store.tree.byCode).slice(1)) this.expanded.add(c);
    this.render();
    const el = $('grid-tree').querySelector(`button[data-grid="${CSS.escape(code)}"]`);
    if (el) el.scrollIntoView({ block: 'nearest' });
  },
};
