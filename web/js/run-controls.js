// The run's publishing and recovery controls, the same on a run card, the run page and the admin list: what the
// publication did (or a review would do), and the buttons of run-actions.js with their confirm dialogs. The answer
// of every action goes to onRun, so the caller shows the run as the server now has it.
import { el, confirmDialog } from './dom.js';
import {
  runActions, confirmation, doneText, failureText, publicationText, countList, reviewSamples, publicationOf,
} from './run-actions.js';

/** A key for what the controls show: rebuilt only when it changes, so a progress tick never steals the focus. */
export function controlsKey(run) {
  const publication = publicationOf(run);
  return JSON.stringify([run.runId, run.status, Boolean(run.stalled), run.chunksDead || 0,
    runActions(run).map((a) => a.action), publication && publication.state, publication && publication.counts]);
}

/**
 * Builds the controls of a run. {api, announce, onRun(run, action), detail: true for the run page (review samples
 * and the rollback's conflicts), note: the outcome of the last action, shown under the buttons, compact: one line
 * instead of the review block (a table cell)}.
 */
export function runControls(run, { api, announce = () => {}, onRun = () => {}, detail = false, note = null,
  compact = false }) {
  const status = el('p', { class: 'action-status', role: 'status' });
  const root = el('div', { class: 'run-controls', 'data-run-id': run.runId });
  const publication = publicationOf(run);
  const line = publicationText(publication);
  if (note && note !== line) status.textContent = note;
  // In review the block below says the same with more detail.
  if (line && (compact || run.status !== 'REVIEW')) {
    root.append(el('p', { class: 'publication-line', 'data-state': publication.state, text: line }));
  }
  if (run.status === 'REVIEW' && !compact) root.append(reviewBlock(run, api, detail));
  if (detail && publication && publication.rollback && (publication.rollback.conflicts || []).length) {
    root.append(conflictList(publication.rollback.conflicts));
  }
  const actions = runActions(run);
  if (actions.length) {
    const buttons = el('div', { class: 'action-buttons' });
    for (const spec of actions) {
      const button = el('button', { type: 'button', class: `button ${spec.tone} compact action-${spec.action}`,
        'data-action': spec.action, text: spec.label, 'aria-label': `${spec.label.replace('…', '')} ${run.fileName || run.runId}` });
      button.addEventListener('click', () => perform(spec, run, { api, announce, onRun, status, button }));
      buttons.append(button);
    }
    root.append(buttons);
  }
  root.append(status);
  root.hidden = !line && !actions.length && run.status !== 'REVIEW' && !status.textContent;
  return root;
}

async function perform(spec, run, { api, announce, onRun, status, button }) {
  status.textContent = '';
  status.classList.remove('error-text');
  const call = async () => {
    const answer = await api.runAction(run.runId, spec.action);
    const text = doneText(spec.action, run, answer);
    status.textContent = text;
    announce(text);
    onRun(answer, spec.action);
  };
  if (spec.confirm) {
    // A failure is shown inside the dialog, which stays open; the person reads it and cancels or tries again.
    await confirmDialog(confirmation(spec.action, run), async () => {
      try {
        await call();
      } catch (error) {
        throw new Error(failureText(spec.action, run, error));
      }
    }, button);
    return;
  }
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  try {
    await call();
  } catch (error) {
    status.textContent = failureText(spec.action, run, error);
    status.classList.add('error-text');
    announce(status.textContent);
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

/** The counts a review would publish (from the run, at once) and, on the run page, the samples from GET …/review. */
function reviewBlock(run, api, detail) {
  const publication = publicationOf(run) || {};
  const counts = countList(publication.counts || {});
  const block = el('div', { class: 'review-block' },
    el('p', { class: 'review-intro', text: 'This run is loaded and waits for you: publishing it into the dataset would '
      + 'make these changes.' }),
    el('ul', { class: 'review-counts' }, ...counts.map((c) => el('li', { 'data-count': c.key },
      el('strong', { text: Number(c.value).toLocaleString('en-US') }), ` ${c.label}`))));
  if (detail) {
    const samples = el('div', { class: 'review-samples' }, el('p', { class: 'muted small', text: 'Loading samples…' }));
    block.append(samples);
    api.review(run.runId).then((review) => {
      if (!counts.length) {
        block.querySelector('.review-counts').replaceChildren(...countList(review.counts || {}).map((c) =>
          el('li', { 'data-count': c.key }, el('strong', { text: Number(c.value).toLocaleString('en-US') }),
            ` ${c.label}`)));
      }
      const kinds = reviewSamples(review);
      samples.replaceChildren(...(kinds.length ? kinds.map((k) => el('details', { class: 'sample-kind',
        'data-kind': k.kind, open: k.kind === 'updated' || k.kind === 'conflicting' },
      el('summary', { text: `${k.label} (${k.items.length} shown)` }),
      el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': k.label },
        el('table', { class: 'data-table samples-table' },
          el('caption', { class: 'visually-hidden', text: k.label }),
          el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: `Key (${(review.key || []).join(', ')})` }),
            el('th', { scope: 'col', text: k.kind === 'updated' ? 'What changes' : 'Values' }))),
          el('tbody', {}, ...k.items.map((item) => el('tr', {}, el('th', { scope: 'row', text: item.key }),
            el('td', { class: 'wrap', text: item.text })))))))) : [el('p', { class: 'muted small',
        text: 'No samples to show.' })]));
    }).catch((error) => {
      samples.replaceChildren(el('p', { class: 'error-text', text: `The review samples could not be loaded: ${error.message}` }));
    });
  }
  return block;
}

function conflictList(conflicts) {
  return el('details', { class: 'conflicts-box', open: true },
    el('summary', { text: `${conflicts.length} ${conflicts.length === 1 ? 'key was' : 'keys were'} left to a later run` }),
    el('p', { class: 'muted small', text: 'A later run changed these rows again, so the rollback kept the later '
      + 'version.' }),
    el('ul', {}, ...conflicts.map((c) => el('li', {}, `${(c.key || []).join(' · ')} — `,
      el('a', { href: `#/runs/${c.laterRunId}`, text: 'the later run' })))));
}
