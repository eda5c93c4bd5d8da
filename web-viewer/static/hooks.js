// window.__sharpeyes: timing and counters read by automated browser tests and benchmarks.
//
//   firstFrameMs[cameraId]  ms from the click that opened a tile to its first video frame
//                           (rVFC callback); overwritten by each later click-opened tile
//   framesDecoded[cameraId] frames presented by that camera's tiles (rVFC callbacks), cumulative
//   alertsShown             alert messages shown in the feed (duplicates excluded)
//   lastClickAt             performance.now() of the last grid/tile/alert/camera click

/** The hooks object, created once per page. */
export const hooks = (() => {
  const h = { firstFrameMs: {}, framesDecoded: {}, alertsShown: 0, lastClickAt: null };
  if (typeof window !== 'undefined') window.__sharpeyes = h;
  return h;
})();

/** Records a user click that is about to open video; returns its timestamp. */
export function markClick() {
  hooks.lastClickAt = performance.now();
  return hooks.lastClickAt;
}
