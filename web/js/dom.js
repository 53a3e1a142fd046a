// The few DOM helpers every view uses: a query, an element builder and a confirm dialog.

export const $ = (selector, root = document) => root.querySelector(selector);

/** el('button', {class, text, onclick, 'aria-label'...}, ...children): false, null and undefined are skipped. */
export const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
};

/** Trusted SVG text (built by charts.js, every value escaped) as a node. */
export function svgNode(markup) {
  const template = document.createElement('template');
  template.innerHTML = markup;
  return template.content.firstElementChild;
}

/**
 * A modal confirm: {title, text, confirmLabel}; `action` runs on confirm and may throw (its message is shown in the
 * dialog, which stays open). Cancel has the focus; closing returns it to the opener. Resolves true when confirmed.
 */
export function confirmDialog({ title, text, confirmLabel, danger = true }, action, opener = document.activeElement) {
  return new Promise((resolve) => {
    const id = `dialog-${Math.random().toString(36).slice(2, 8)}`;
    const error = el('p', { class: 'form-error', role: 'alert', hidden: true });
    const confirm = el('button', { type: 'button', class: `button ${danger ? 'danger' : 'primary'} confirm-action`,
      text: confirmLabel });
    const cancel = el('button', { type: 'button', class: 'button secondary', text: 'Cancel' });
    const dialog = el('dialog', { class: 'confirm-dialog', 'aria-labelledby': `${id}-h`, 'aria-describedby': `${id}-t` },
      el('h2', { id: `${id}-h`, text: title }), el('p', { id: `${id}-t`, text }), error,
      el('div', { class: 'dialog-actions' }, cancel, confirm));
    let confirmed = false;
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(confirmed);
    });
    confirm.addEventListener('click', async () => {
      if (confirm.getAttribute('aria-disabled') === 'true') return;
      confirm.setAttribute('aria-disabled', 'true');
      error.hidden = true;
      try {
        await action();
      } catch (problem) {
        confirm.removeAttribute('aria-disabled');
        error.textContent = problem.message;
        error.hidden = false;
        return;
      }
      confirmed = true;
      dialog.close();
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
