// window.__sharpeyes: timing and counters read by automated browser tests and benchmarks.
//
//   firstFrameMs[cameraId]  ms from the click that opened a tile to its first video frame
//                           (rVFC callback); overwritten by each later click-opened tile
//   framesDecoded[cameraId] frames presented by that camera's tiles (rVFC callbacks), cumulative
//   alertsShown             alert messages shown in the feed (duplicates excluded)
//   lastClickAt             performance.now() of the last grid/tile/alert/camera click
//   user                    the signed-in user {name, role, grid, kind} from /auth/me, or null
//   editor                  the rule editor: {state: 'idle'|'drawing'|'done', points: [[x, y]…]
//                           (normalised), tool, lastSave: {status, id} of the last save (status
//                           0 for a network failure) or null}

/** The hooks object, created once per page. */
export const hooks = (() => {
  const h = {
    firstFrameMs: {}, framesDecoded: {}, alertsShown: 0, lastClickAt: null,
    user: null,
    editor: { state: 'idle', points: [], tool: 'polygon', lastSave: null },
  };
  if (typeof window !== 'undefined') window.__sharpeyes = h;
  return h;
})();

/** Records a user click that is about to open video; returns its timestamp. */
export function markClick() {
  hooks.lastClickAt = performance.now();
  return hooks.lastClickAt;
}
