// The subscriber lookup: the live profile, each type's fail rate against its threshold, engagements
// with status and reason, feedback and the sentiment history.
import { scaleLinear } from 'd3-scale';
import { ProblemError, getSubscriber } from './api.js';
import { el, svg, table } from './dom.js';
import { count, percent, span, when } from './format.js';

export function createLookup(form, input, container, onShown) {
  let msisdn = null;
  let loading = null;

  const load = async () => {
    if (!msisdn || loading) return;
    const asked = msisdn;
    loading = getSubscriber(asked)
      .then(view => {
        if (asked !== msisdn) return;
        // From here on the number is the E.164 form the gateway found, whatever was typed.
        if (view.msisdn !== msisdn) {
          msisdn = view.msisdn;
          input.value = msisdn;
        }
        render(container, view);
        onShown(msisdn);
      })
      .catch(error => {
        if (asked !== msisdn) return;
        delete container.dataset.msisdn;
        container.replaceChildren(el('p', { class: 'problem', role: 'alert' }, error instanceof ProblemError ? error.message : 'The gateway could not be reached.'));
      })
      .finally(() => { loading = null; });
    await loading;
  };

  const show = next => {
    msisdn = next.trim();
    input.value = msisdn;
    loading = null;
    container.replaceChildren(el('p', { class: 'empty' }, 'Loading…'));
    return load();
  };

  form.addEventListener('submit', event => {
    event.preventDefault();
    if (input.value.trim()) show(input.value);
  });

  return { show, refresh: load, get current() { return msisdn; } };
}

function render(container, view) {
  container.dataset.msisdn = view.msisdn;
  container.replaceChildren(
    el('div', { class: 'profile-head' },
      el('span', { class: 'msisdn' }, view.msisdn),
      el('span', { class: 'sentiment', 'data-sentiment': view.sentiment, title: 'Sentiment, 0 to 10; every subscriber starts at 10' },
        el('span', { class: 'value' }, String(view.sentiment)), ' / 10 sentiment'),
      view.optOut ? el('span', { class: 'badge opt-out' }, 'opted out of calls') : null,
      el('span', { class: 'meta' }, `zone ${view.timeZone}`, view.lastCell ? ` · last cell ${view.lastCell}` : '')),

    el('h3', null, 'Fail rate against threshold'),
    table([
      { title: 'Type', value: t => t.type },
      { title: 'Sessions', num: true, value: t => count(t.sessions) },
      { title: 'Failures', num: true, value: t => count(t.failures) },
      { title: 'Fail rate vs threshold', value: rateBar },
      { title: 'Window', num: true, value: t => span(t.window) },
    ], view.types, t => ({
      'data-type': t.type,
      'data-sessions': t.sessions,
      'data-fail-rate': t.failRate,
      'data-threshold': t.threshold,
      'data-over': String(t.failRate > t.threshold),
      class: t.failRate > t.threshold ? 'over' : undefined,
    })),

    el('h3', null, 'Engagements'),
    view.engagements.length === 0
      ? el('p', { class: 'empty' }, 'No engagement yet.')
      : table([
        { title: 'Created', value: e => when(e.createdAt) },
        { title: 'Type', value: e => e.type },
        { title: 'Status', value: e => el('span', { class: `status status-${e.status}` }, e.status.replace('_', ' ')) },
        { title: 'Reason', value: e => e.reason },
        { title: 'Cell', value: e => e.cell },
        { title: 'Fail rate', num: true, value: e => percent(e.failRate) },
        { title: 'Severity', num: true, value: e => e.severity.toFixed(2) },
      ], [...view.engagements].reverse(), e => ({ 'data-engagement': e.engagementId, 'data-status': e.status })),

    el('h3', null, 'Feedback'),
    view.feedback.length === 0
      ? el('p', { class: 'empty' }, 'No answer yet.')
      : table([
        { title: 'Answered', value: f => when(f.answeredAt) },
        { title: 'Score (1–5)', num: true, value: f => String(f.score) },
        { title: 'Engagement', value: f => f.engagementId },
        { title: 'Contact', value: f => f.contactId },
      ], [...view.feedback].reverse(), f => ({ 'data-score': f.score })),

    el('h3', null, 'Sentiment history'),
    view.sentimentHistory.length === 0
      ? el('p', { class: 'empty' }, 'Unchanged since the start (10).')
      : el('div', { class: 'history' },
        sparkline(view.sentimentHistory),
        table([
          { title: 'At', value: h => when(h.at) },
          { title: 'Change', value: h => `${h.before} → ${h.after}` },
          { title: 'Cause', value: h => h.cause },
        ], [...view.sentimentHistory].reverse(), h => ({ 'data-before': h.before, 'data-after': h.after }))),

    el('h3', null, 'Last decisions'),
    view.decisions.length === 0
      ? el('p', { class: 'empty' }, 'No threshold crossed yet.')
      : table([
        { title: 'At', value: d => when(d.at) },
        { title: 'Type', value: d => d.type },
        { title: 'Engaged', value: d => (d.engaged ? 'yes' : 'no') },
        { title: 'Reason', value: d => d.reason },
      ], view.decisions));
}

/** The rate as a bar on a scale that keeps the threshold in view, with the threshold marked. */
function rateBar(t) {
  const max = Math.max(t.threshold * 3, t.failRate, 0.01);
  const x = scaleLinear().domain([0, max]).range([0, 100]).clamp(true);
  const fill = el('span', { class: 'fill' });
  fill.style.width = `${x(t.failRate)}%`;
  const mark = el('span', { class: 'threshold', title: `threshold ${percent(t.threshold)}` });
  mark.style.left = `${x(t.threshold)}%`;
  return el('span', { class: 'rate' },
    el('span', { class: 'bar' }, fill, mark),
    el('span', { class: 'figures' }, `${percent(t.failRate)} ${t.failRate > t.threshold ? '>' : '≤'} ${percent(t.threshold)}`));
}

/** Sentiment over time, 0–10, from the start value through each change. */
function sparkline(history) {
  const width = 240;
  const height = 48;
  const points = [{ at: history[0].at, value: history[0].before }, ...history.map(h => ({ at: h.at, value: h.after }))];
  const x = scaleLinear().domain([0, points.length - 1 || 1]).range([4, width - 4]);
  const y = scaleLinear().domain([0, 10]).range([height - 4, 4]);
  return svg('svg', { class: 'sparkline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `Sentiment ${points.map(p => p.value).join(' → ')}` },
    svg('line', { x1: 0, x2: width, y1: y(10), y2: y(10), class: 'start' }),
    svg('polyline', { points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(' ') }),
    points.map((p, i) => svg('circle', { cx: x(i), cy: y(p.value), r: 3 })));
}
