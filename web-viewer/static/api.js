// Same-origin JSON API calls of the viewer (contract in web-viewer/README.md).

const TIMEOUT_MS = 10000;

async function getJSON(path) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(path, { signal: ctl.signal, headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return await res.json();
  } finally {
    clearTimeout(timer);
  }
}

/** GET /api/v1/ui: title, tile_url, tile_attribution, tour_dwell_s, language. */
export const getUI = () => getJSON('/api/v1/ui');
/** GET /api/v1/grids: GeoJSON FeatureCollection of every grid. */
export const getGrids = () => getJSON('/api/v1/grids');
/** GET /api/v1/cameras: array of camera status objects. */
export const getCameras = () => getJSON('/api/v1/cameras');
