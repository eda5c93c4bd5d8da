// Camera health: #camera-health, one row per camera from /api/v1/cameras (refreshed by the
// app's poll), problems first. Clicking a row opens the camera in the focused view.

import { formatLocalTime } from './format.js';
import { t } from './i18n.js';
import { store, gridProps } from './store.js';

const $ = (id) => document.getElementById(id);
const ORDER = { offline: 0, connecting: 1, disabled: 2, idle: 3, online: 4 };

/** Health is the single camera-health controller of the page. */
export const health = {
  onCameraClick: () => {},

  /** Wires row clicks; call once. */
  init() {
    $('camera-health').addEventListener('click', (ev) => {
      const tr = ev.target.closest('tr[data-camera-row]');
      if (tr) this.onCameraClick(tr.dataset.cameraRow);
    });
    $('camera-health').addEventListener('keydown', (ev) => {
      const tr = ev.target.closest('tr[data-camera-row]');
      if (tr && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); this.onCameraClick(tr.dataset.cameraRow); }
    });
  },

  /** Rebuilds the table and the summary line from the store. */
  render() {
    const cams = [...store.cameras.values()].sort((a, b) =>
      (ORDER[a.state] ?? -1) - (ORDER[b.state] ?? -1) || a.id.localeCompare(b.id, 'en'));
    const counts = {};
    const rows = cams.map((c) => {
      counts[c.state] = (counts[c.state] || 0) + 1;
      const tr = document.createElement('tr');
      tr.dataset.cameraRow = c.id;
      tr.dataset.state = c.state;
      tr.tabIndex = 0;
      const grid = gridProps(c.grid);
      const state = document.createElement('span');
      state.className = 'cam-state';
      state.dataset.state = c.state;
      state.textContent = t('state.' + c.state, c.state);
      const cells = [
        `${c.name || c.id}\n${c.id}`,
        grid ? grid.name : c.grid || '—',
        state,
        typeof c.analysis_fps === 'number' ? c.analysis_fps.toFixed(1) : '—',
        String(c.viewers ?? 0),
        String(c.reconnects ?? 0),
        formatLocalTime(c.since) || '—',
        c.last_error || '',
      ];
      for (const v of cells) {
        const td = document.createElement('td');
        if (typeof v === 'string') td.textContent = v; else td.append(v);
        tr.append(td);
      }
      tr.lastChild.className = 'last-error';
      tr.firstChild.className = 'cam-cell';
      return tr;
    });
    $('camera-health').tBodies[0].replaceChildren(...rows);
    const parts = Object.keys(ORDER).filter((s) => counts[s]).map((s) => `${t('state.' + s)} ${counts[s]}`);
    $('health-summary').textContent = `${t('health.total')} ${cams.length}${parts.length ? ' · ' + parts.join(' · ') : ''}`;
  },
};
