// Short notices: toasts in #toasts (at most 4 at a time, each gone after a few seconds) and
// a yes/no question in the #confirm-dialog <dialog>.

const MAX_TOASTS = 4;

/** Shows text as a toast; kind is 'ok', 'error' or 'info'. Returns the element. */
export function toast(text, kind = 'info', ms = 4000) {
  const box = document.getElementById('toasts');
  const el = document.createElement('div');
  el.className = `toast toast-${kind}`;
  el.dataset.kind = kind;
  el.textContent = text;
  box.append(el);
  while (box.children.length > MAX_TOASTS) box.firstElementChild.remove();
  setTimeout(() => el.remove(), ms);
  return el;
}

/** Asks a yes/no question in #confirm-dialog; resolves to true for 确定. */
export function confirmDialog(text) {
  const dlg = document.getElementById('confirm-dialog');
  document.getElementById('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
    dlg.returnValue = '';
    dlg.showModal();
  });
}
