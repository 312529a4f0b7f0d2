// A cell's drill-down: its aggregates and its most affected subscribers, refreshed live.
import { ProblemError, getCell } from './api.js';
import { el, table } from './dom.js';
import { change, count, when } from './format.js';

export function createCellDetail(section, onLookup) {
  const title = section.querySelector('h2');
  const body = section.querySelector('.body');
  let cell = null;
  let loading = null;

  const render = detail => {
    const s = detail.summary;
    section.dataset.cell = s.cell;
    title.textContent = `Cell ${s.cell}`;
    body.replaceChildren(
      el('dl', { class: 'facts' },
        el('dt', null, 'Subscribers with incidents (24 h)'), el('dd', null, count(s.subscribers), s.subscribersEstimated ? ' (estimated)' : ''),
        el('dt', null, 'Incidents (24 h)'), el('dd', null, count(s.incidents)),
        el('dt', null, 'By type'), el('dd', null, Object.entries(s.incidentsByType).map(([type, n]) => `${type} ${count(n)}`).join(' · ')),
        el('dt', null, 'Answers'), el('dd', null, count(s.feedback)),
        el('dt', null, 'Mean change in sentiment'), el('dd', null, s.feedback > 0 ? change(s.meanChangeSentiment) : 'no answers yet')),
      el('h3', null, 'Most affected subscribers'),
      detail.mostAffected.length === 0
        ? el('p', { class: 'empty' }, 'None in the last 24 hours.')
        : table([
          { title: 'Subscriber', value: r => el('button', { type: 'button', class: 'link', 'data-lookup': r.msisdn }, r.msisdn) },
          { title: 'Incidents', num: true, value: r => count(r.incidents) },
          { title: 'Δ sentiment', num: true, value: r => (r.changeSentiment === 0 ? '0' : change(r.changeSentiment)) },
          { title: 'Last incident', value: r => (r.incidents > 0 ? when(r.lastIncidentAt) : '—') },
        ], detail.mostAffected, r => ({ 'data-msisdn': r.msisdn, 'data-change': r.changeSentiment, 'data-incidents': r.incidents })));
  };

  const load = async () => {
    if (!cell || loading) return;
    const asked = cell;
    loading = getCell(asked)
      .then(detail => { if (asked === cell) render(detail); })
      .catch(error => {
        if (asked !== cell) return;
        title.textContent = `Cell ${asked}`;
        body.replaceChildren(el('p', { class: 'problem' }, error instanceof ProblemError ? error.message : 'The gateway could not be reached.'));
      })
      .finally(() => { loading = null; });
    await loading;
  };

  body.addEventListener('click', event => {
    const button = event.target instanceof Element ? event.target.closest('[data-lookup]') : null;
    if (button) onLookup(button.dataset.lookup);
  });

  return {
    show(next) {
      cell = next;
      delete section.dataset.cell;
      body.replaceChildren(el('p', { class: 'empty' }, 'Loading…'));
      title.textContent = `Cell ${next}`;
      loading = null;
      return load();
    },
    refresh: load,
  };
}
