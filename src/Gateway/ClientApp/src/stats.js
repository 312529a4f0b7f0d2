// The cluster counters since start, and how the engagements stand.
import { el } from './dom.js';
import { count } from './format.js';

const COUNTERS = [
  ['eventsAccepted', 'Probe events accepted'],
  ['eventsRejected', 'Rejected'],
  ['callsPlaced', 'Calls placed'],
  ['feedbackReceived', 'Answers received'],
];

export function renderStats(section, stats) {
  const engagements = Object.entries(stats.engagementsByStatus ?? {}).filter(([, n]) => n > 0);
  section.replaceChildren(
    ...COUNTERS.map(([key, title]) => el('div', { class: 'stat', 'data-stat': key },
      el('span', { class: 'value' }, count(stats[key] ?? 0)),
      el('span', { class: 'title' }, title))),
    el('div', { class: 'stat engagements', 'data-stat': 'engagementsByStatus' },
      el('span', { class: 'value' }, engagements.length === 0 ? '—' : engagements.map(([status, n]) =>
        el('span', { class: `status status-${status}` }, `${status.replace('_', ' ')} ${count(n)}`))),
      el('span', { class: 'title' }, 'Engagements by status')));
}
