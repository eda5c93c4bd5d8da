// Sign-in: the login screen (#login-form), the signed-in user in the header (#user-name,
// #user-role, #logout), and hiding what the user's role cannot use ([data-role] elements).
// The session itself is the HttpOnly cookie the gateway sets on login; nothing here stores
// a token. body[data-auth] is 'checking' until /auth/me answered, then 'in' or 'out'.

import * as api from './api.js';
import { hooks } from './hooks.js';
import { t } from './i18n.js';
import { hasRole } from './roles.js';

const $ = (id) => document.getElementById(id);

/** Session is the single sign-in controller of the page. */
export const session = {
  user: null,
  pending: false,
  // Set by the app: called with the user after a login, and with a reason
  // ('logout' | 'expired') when the session ends.
  onLogin: () => {},
  onLogout: () => {},

  /** Wires the login form and the logout button; call once. */
  init() {
    $('login-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.submit(); });
    $('logout').addEventListener('click', () => this.logout());
  },

  /** Asks /auth/me: the user, or null without a session. Network failures throw. */
  async check() {
    try {
      return await api.me();
    } catch (err) {
      if (err.status === 401 || err.status === 403) return null;
      throw err;
    }
  },

  /** Shows the login screen; message (already translated) explains why, e.g. an expired session. */
  showLogin(message = '') {
    document.body.dataset.auth = 'out';
    $('login-screen').hidden = false;
    for (const id of ['app-header', 'app']) $(id).inert = true;
    this.showError(message);
    $('login-password').value = '';
    $('login-submit').disabled = false;
    const user = $('login-username');
    (user.value ? $('login-password') : user).focus();
  },

  showError(message) {
    const el = $('login-error');
    el.textContent = message;
    el.hidden = !message;
  },

  async submit() {
    if (this.pending) return;
    const username = $('login-username').value.trim();
    const password = $('login-password').value;
    if (!username || !password) { this.showError(t('auth.missing')); return; }
    this.pending = true;
    $('login-submit').disabled = true;
    this.showError('');
    try {
      const res = await api.login(username, password);
      const user = (res && res.user) || (await api.me());
      this.signedIn({ kind: 'user', ...user });
    } catch (err) {
      this.showError(loginErrorText(err));
      $('login-password').select();
    } finally {
      this.pending = false;
      $('login-submit').disabled = false;
    }
  },

  /** Takes user as the signed-in user: header, role visibility, then onLogin. */
  signedIn(user) {
    const previous = this.user;
    this.setUser(user);
    document.body.dataset.auth = 'in';
    $('login-password').value = '';
    $('login-screen').hidden = true;
    for (const id of ['app-header', 'app']) $(id).inert = false;
    this.onLogin(user, previous);
  },

  setUser(user) {
    this.user = user;
    hooks.user = user ? { ...user } : null;
    $('user-info').hidden = !user;
    $('logout').hidden = !user || user.kind === 'token';
    $('user-name').textContent = user ? user.name : '';
    $('user-role').textContent = user ? t('role.' + user.role, user.role) : '';
    $('user-role').dataset.role = user ? user.role : '';
    applyRoles(document, user);
  },

  /** Called for any 401 while signed in: the session expired or was ended elsewhere. */
  expire() {
    if (document.body.dataset.auth !== 'in') return;
    this.end('expired');
  },

  async logout() {
    try { await api.logout(); } catch { /* the session is gone either way */ }
    // The next person to sign in starts on the map, not on this user's screen.
    history.replaceState(null, '', '#/map');
    this.end('logout');
  },

  end(reason) {
    this.setUser(null);
    this.onLogout(reason);
    this.showLogin(reason === 'expired' ? t('auth.expired') : '');
  },

  /** Re-applies texts that depend on the language. */
  render() {
    if (this.user) $('user-role').textContent = t('role.' + this.user.role, this.user.role);
  },
};

/** Hides every [data-role] element under root that user's role may not use. */
export function applyRoles(root, user) {
  for (const el of root.querySelectorAll('[data-role]')) el.hidden = !hasRole(user, el.dataset.role);
}

function loginErrorText(err) {
  if (err.status === 401) return t('auth.bad');
  if (err.status === 429) return t('auth.tooMany');
  if (err.status === 0) return t('auth.offline');
  return `${t('auth.failed')} (${err.message})`;
}
