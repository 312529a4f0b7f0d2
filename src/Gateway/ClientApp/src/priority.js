// The priority table: the top cells in the ranking's order, each row opening the cell's detail.
import { el } from './dom.js';
import { change, count, decimal } from './format.js';
import { sentimentScale } from './sentiment.js';

const ROWS = 15;

export function createPriorityTable(body, onSelect) {
  let selected = null;

  body.addEventListener('click', event => {
    const row = event.target instanceof Element ? event.target.closest('tr[data-cell]') : null;
    if (row) onSelect(row.dataset.cell);
  });
  body.addEventListener('keydown', event => {
    const row = event.target instanceof Element ? event.target.closest('tr[data-cell]') : null;
    if (row && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      onSelect(row.dataset.cell);
    }
  });

  const markSelected = () => {
    for (const row of body.rows) row.classList.toggle('selected', row.dataset.cell === selected);
  };

  return {
    update(cells) {
      const scale = sentimentScale(cells);
      body.replaceChildren(...cells.slice(0, ROWS).map((c, index) => el('tr', {
        tabindex: 0,
        'data-cell': c.cell,
        'data-priority': c.priority,
      },
      el('td', null, String(index + 1)),
      el('td', { class: 'cell-id' }, c.cell),
      el('td', { class: 'num' }, count(c.subscribers)),
      el('td', { class: 'num' }, count(c.incidents)),
      el('td', { class: 'num' }, count(c.feedback)),
      el('td', { class: 'num' }, c.feedback > 0
        ? [chip(scale(c.meanChangeSentiment)), change(c.meanChangeSentiment)]
        : '—'),
      el('td', { class: 'num' }, decimal(c.priority)))));
      if (cells.length === 0) {
        body.replaceChildren(el('tr', null, el('td', { colspan: 7, class: 'empty' }, 'No cell has incidents in the last 24 hours yet.')));
      }
      markSelected();
    },
    select(cell) {
      selected = cell;
      markSelected();
    },
  };
}

function chip(colour) {
  const swatch = el('span', { class: 'chip' });
  swatch.style.background = colour;
  return swatch;
}
