// Web Mercator maths for the grid map. Pure functions, no DOM: node --test covers them.
//
// "World" coordinates are Web Mercator normalised to [0, 1] (x east, y south), the same
// space as slippy-map tiles: at zoom z the world is 256 * 2^z pixels wide. A view is
// { scale, tx, ty } with screen = world * scale + t (CSS pixels).

const MAX_LAT = 85.0511287798;

/** Projects WGS-84 lon/lat (degrees) to world coordinates [x, y] in [0, 1]. */
export function project(lon, lat) {
  const clamped = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
  const s = Math.sin((clamped * Math.PI) / 180);
  const x = (lon + 180) / 360;
  const y = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  return [x, y];
}

/** Inverse of project: world [x, y] back to [lon, lat]. */
export function unproject(x, y) {
  const lon = x * 360 - 180;
  const n = Math.PI - 2 * Math.PI * y;
  const lat = (180 / Math.PI) * Math.atan(Math.sinh(n));
  return [lon, lat];
}

/** Rings of a GeoJSON Polygon or MultiPolygon geometry, as arrays of [lon, lat]; [] otherwise. */
export function geometryRings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates || [];
  if (geometry.type === 'MultiPolygon') return (geometry.coordinates || []).flat();
  return [];
}

/** World-space bounds {minX, minY, maxX, maxY} of lon/lat points; null when there are none. */
export function boundsOf(points) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [lon, lat] of points) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue;
    const [x, y] = project(lon, lat);
    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  return minX === Infinity ? null : { minX, minY, maxX, maxY };
}

/** The view that fits bounds into a width × height viewport with pad pixels of margin. */
export function fitView(bounds, width, height, pad = 24) {
  const w = Math.max(1, width - 2 * pad), h = Math.max(1, height - 2 * pad);
  const bw = Math.max(bounds.maxX - bounds.minX, 1e-9);
  const bh = Math.max(bounds.maxY - bounds.minY, 1e-9);
  // A single point (or a tiny area) should not zoom in past street level (z 18).
  const scale = Math.min(w / bw, h / bh, 256 * 2 ** 18);
  const cx = (bounds.minX + bounds.maxX) / 2, cy = (bounds.minY + bounds.maxY) / 2;
  return { scale, tx: width / 2 - cx * scale, ty: height / 2 - cy * scale };
}

/** Zooms a view by factor around the screen point (px, py), keeping it fixed on screen. */
export function zoomAt(view, factor, px, py, minScale = 256, maxScale = 256 * 2 ** 21) {
  const scale = Math.max(minScale, Math.min(maxScale, view.scale * factor));
  const f = scale / view.scale;
  return { scale, tx: px - (px - view.tx) * f, ty: py - (py - view.ty) * f };
}

/** Screen position [sx, sy] of world point [x, y] in view. */
export function toScreen(view, x, y) {
  return [x * view.scale + view.tx, y * view.scale + view.ty];
}

/** Tile zoom level for a view: the integer zoom whose tiles are closest to 256 px on screen. */
export function tileZoom(view, maxZoom = 18) {
  const z = Math.round(Math.log2(view.scale / 256));
  return Math.max(0, Math.min(maxZoom, z));
}

/**
 * Tiles covering a width × height viewport: [{ z, x, y, wx, left, top, size }], x wrapped
 * around the antimeridian (wx unwrapped), rows outside the world left out, at most limit.
 */
export function visibleTiles(view, width, height, maxZoom = 18, limit = 400) {
  const z = tileZoom(view, maxZoom);
  const n = 2 ** z;
  const size = view.scale / n;
  const x0 = Math.floor(-view.tx / size), x1 = Math.floor((width - view.tx) / size);
  const y0 = Math.max(0, Math.floor(-view.ty / size)), y1 = Math.min(n - 1, Math.floor((height - view.ty) / size));
  const out = [];
  for (let ty = y0; ty <= y1; ty++) {
    for (let tx = x0; tx <= x1; tx++) {
      if (out.length >= limit) return out;
      const x = ((tx % n) + n) % n;
      out.push({ z, x, y: ty, wx: tx, left: tx * size + view.tx, top: ty * size + view.ty, size });
    }
  }
  return out;
}

/** Fills a tile URL template: {z} {x} {y}, {-y} (TMS row) and {s} (subdomain a/b/c). */
export function tileURL(template, z, x, y) {
  const subs = 'abc';
  return template
    .replaceAll('{z}', String(z))
    .replaceAll('{x}', String(x))
    .replaceAll('{-y}', String(2 ** z - 1 - y))
    .replaceAll('{y}', String(y))
    .replaceAll('{s}', subs[(x + y) % subs.length]);
}

/** SVG path data for rings of [lon, lat], projected with toLocal(x, y) → [px, py]. */
export function ringsToPath(rings, toLocal) {
  let d = '';
  for (const ring of rings) {
    if (!ring || ring.length < 3) continue;
    ring.forEach(([lon, lat], i) => {
      const [x, y] = project(lon, lat);
      const [px, py] = toLocal(x, y);
      d += (i === 0 ? 'M' : 'L') + px.toFixed(2) + ',' + py.toFixed(2);
    });
    d += 'Z';
  }
  return d;
}

/** Area-weighted centroid of the largest ring, in lon/lat; falls back to the vertex mean. */
export function ringCentroid(ring) {
  let a = 0, cx = 0, cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j], [x1, y1] = ring[i];
    const f = x0 * y1 - x1 * y0;
    a += f; cx += (x0 + x1) * f; cy += (y0 + y1) * f;
  }
  if (Math.abs(a) < 1e-18) {
    const n = ring.length || 1;
    return [ring.reduce((s, p) => s + p[0], 0) / n, ring.reduce((s, p) => s + p[1], 0) / n];
  }
  return [cx / (3 * a), cy / (3 * a)];
}
