// Roles and what each may see in the viewer, pure (no DOM). Each role includes the ones
// before it: viewer (map, live video, alert feed), operator (+ alert queue, plate search), rule_author
// (+ rule editor), admin (everything). The gateway is the real guard; the viewer only
// hides what a role cannot use.

/** Roles from least to most privileged. */
export const ROLES = ['viewer', 'operator', 'rule_author', 'admin'];

/** The minimum role of each screen that needs more than viewer. */
export const SCREEN_ROLE = { alerts: 'operator', plates: 'operator', rules: 'rule_author' };

/** Rank of a role (0 = viewer); −1 for unknown roles. */
export function roleRank(role) {
  return ROLES.indexOf(role);
}

/**
 * Whether user (a /auth/me object, or null) has at least role min. A role the viewer does
 * not know counts as viewer.
 */
export function hasRole(user, min) {
  if (!user) return false;
  return Math.max(0, roleRank(user.role)) >= Math.max(0, roleRank(min));
}

/** Whether user may open screen (map, wall, focus, health, rules, alerts, plates). */
export function canSee(user, screen) {
  return hasRole(user, SCREEN_ROLE[screen] || 'viewer');
}
