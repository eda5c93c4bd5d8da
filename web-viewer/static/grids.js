// Grid tree model: builds the street → community → grid hierarchy and the industry-grid
// groups from the /api/v1/grids FeatureCollection. Pure functions, no DOM.

/** Levels of the administrative tree, outermost first. */
export const ADMIN_LEVELS = ['district', 'street', 'community', 'grid'];
/** Industry ("专属") grid levels, listed in their own section of the tree. */
export const INDUSTRY_LEVELS = ['school', 'hospital', 'scenic', 'industry'];

/** Alert thresholds (alerts in the last hour): 0 neutral, 1–4 amber, 5 or more red. */
export const ALERT_MANY = 5;

/** Alert class of a count: 'none', 'few' or 'many'. */
export function alertLevel(n) {
  if (!n || n <= 0) return 'none';
  return n >= ALERT_MANY ? 'many' : 'few';
}

/** Recent alerts shown for a grid: its own for leaf levels, the subtree's for the others. */
export function gridAlerts(props) {
  if (props.level === 'grid' || INDUSTRY_LEVELS.includes(props.level)) return props.alerts_1h || 0;
  return Math.max(props.subtree_alerts_1h || 0, props.alerts_1h || 0);
}

/** Cameras to show for a grid: its own, or the whole subtree's when it has none. */
export function camerasForGrid(props) {
  if (!props) return [];
  if (props.cameras && props.cameras.length) return props.cameras.slice();
  return (props.subtree_cameras || []).slice();
}

/** Drawing order of a level on the map: outer levels first so grids lie on top. */
export function levelRank(level) {
  const i = ADMIN_LEVELS.indexOf(level);
  return i >= 0 ? i : ADMIN_LEVELS.length;
}

function compareNodes(a, b) {
  return a.props.code.localeCompare(b.props.code, 'en');
}

/**
 * Builds the tree from features. Returns { roots, industry, byCode }: roots are the
 * administrative nodes without a known parent, industry maps each industry level to its
 * grids (they appear only there), and byCode indexes every node. A node is
 * { props, feature, children }. Parent cycles cannot hang it: each node is attached once.
 */
export function buildTree(features) {
  const byCode = new Map();
  for (const f of features || []) {
    const props = f && f.properties;
    if (!props || !props.code || byCode.has(props.code)) continue;
    byCode.set(props.code, { props, feature: f, children: [] });
  }
  const roots = [];
  const industry = Object.fromEntries(INDUSTRY_LEVELS.map((l) => [l, []]));
  for (const node of byCode.values()) {
    const { level, parent } = node.props;
    if (INDUSTRY_LEVELS.includes(level)) {
      industry[level].push(node);
      continue;
    }
    const p = parent && parent !== node.props.code ? byCode.get(parent) : null;
    if (p && !INDUSTRY_LEVELS.includes(p.props.level) && !isAncestor(node, p, byCode)) p.children.push(node);
    else roots.push(node);
  }
  const sortDeep = (nodes) => { nodes.sort(compareNodes); nodes.forEach((n) => sortDeep(n.children)); };
  sortDeep(roots);
  Object.values(industry).forEach((list) => list.sort(compareNodes));
  return { roots, industry, byCode };
}

// isAncestor reports whether node is an ancestor of candidate (so attaching would loop).
function isAncestor(node, candidate, byCode) {
  let cur = candidate;
  for (let i = 0; cur && i < 64; i++) {
    if (cur === node) return true;
    cur = cur.props.parent ? byCode.get(cur.props.parent) : null;
  }
  return false;
}

/** Codes of node and its ancestors' chain, innermost first (used to expand the tree). */
export function ancestry(code, byCode) {
  const out = [];
  let cur = byCode.get(code);
  for (let i = 0; cur && i < 64; i++) {
    out.push(cur.props.code);
    cur = cur.props.parent ? byCode.get(cur.props.parent) : null;
  }
  return out;
}

/** Whether a node or any descendant matches a lower-cased query on name or code. */
export function matchesQuery(node, q) {
  if (!q) return true;
  const { name = '', code = '' } = node.props;
  if (name.toLowerCase().includes(q) || code.includes(q)) return true;
  return node.children.some((c) => matchesQuery(c, q));
}
