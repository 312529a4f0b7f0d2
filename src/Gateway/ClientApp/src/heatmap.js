// The cell heatmap: a treemap whose tile area is a cell's distinct subscribers with incidents and
// whose colour is its mean change in sentiment, laid out in priority order (the worst cells lead).
import { hierarchy, treemap, treemapSquarify } from 'd3-hierarchy';
import { el, svg } from './dom.js';
import { change, count, decimal } from './format.js';
import { needsLightText, sentimentScale } from './sentiment.js';

const NO_ANSWERS = 'no-answers';

export function createHeatmap(container, legend, tooltip, onSelect) {
  let cells = [];
  let selected = null;
  let scale = sentimentScale([]);

  const render = () => {
    const width = Math.max(240, Math.floor(container.clientWidth));
    const height = Math.max(240, Math.round(width * 0.56));
    const root = hierarchy({ children: cells.filter(c => c.subscribers > 0) })
      .sum(d => d.subscribers ?? 0)
      .sort((a, b) => (b.data.priority ?? 0) - (a.data.priority ?? 0) || b.value - a.value);
    treemap().tile(treemapSquarify).size([width, height]).paddingInner(2).round(true)(root);

    // With no cell the root itself is the only leaf: there is nothing to draw.
    const tiles = root.children ? root.leaves().map((leaf, index) => tile(leaf, index + 1)) : [];
    container.replaceChildren(svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'list' },
      svg('defs', null, hatch()),
      tiles));
    if (tiles.length === 0) {
      container.append(el('p', { class: 'empty overlay' }, 'No cell has incidents in the last 24 hours yet.'));
    }
    renderLegend(legend, scale);
  };

  const tile = (leaf, rank) => {
    const c = leaf.data;
    const w = leaf.x1 - leaf.x0;
    const h = leaf.y1 - leaf.y0;
    const answered = c.feedback > 0;
    const light = answered && needsLightText(scale, c.meanChangeSentiment);
    const label = [];
    if (w > 40 && h > 22) label.push(svg('text', { x: 5, y: 16, class: 'name' }, fit(c.cell, w)));
    if (w > 40 && h > 40) label.push(svg('text', { x: 5, y: 32, class: 'figures' }, fit(`${count(c.subscribers)} subs · ${answered ? change(c.meanChangeSentiment) : 'no answers'}`, w)));
    return svg('g', {
      class: `tile${light ? ' light' : ''}${c.cell === selected ? ' selected' : ''}`,
      transform: `translate(${leaf.x0},${leaf.y0})`,
      role: 'listitem',
      tabindex: 0,
      'aria-label': `${c.cell}: ${c.subscribers} subscribers with incidents, mean change in sentiment ${answered ? change(c.meanChangeSentiment) : 'not answered yet'}`,
      'data-cell': c.cell,
      'data-rank': rank,
      'data-subscribers': c.subscribers,
      'data-incidents': c.incidents,
      'data-feedback': c.feedback,
      'data-mean-change': c.meanChangeSentiment,
      'data-priority': c.priority,
    },
    svg('rect', { width: w, height: h, fill: answered ? scale(c.meanChangeSentiment) : `url(#${NO_ANSWERS})` }),
    label);
  };

  const cellAt = target => {
    const node = target instanceof Element ? target.closest('[data-cell]') : null;
    return node ? cells.find(c => c.cell === node.dataset.cell) : undefined;
  };

  container.addEventListener('click', event => {
    const c = cellAt(event.target);
    if (c) onSelect(c.cell);
  });
  container.addEventListener('keydown', event => {
    const c = cellAt(event.target);
    if (c && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      onSelect(c.cell);
    }
  });
  container.addEventListener('pointermove', event => {
    const c = cellAt(event.target);
    if (!c) {
      tooltip.hidden = true;
      return;
    }
    showTooltip(tooltip, c);
    const box = tooltip.offsetParent.getBoundingClientRect();
    const x = event.clientX - box.left + 14;
    const y = event.clientY - box.top + 14;
    tooltip.style.left = `${Math.max(4, Math.min(x, box.width - tooltip.offsetWidth - 4))}px`;
    tooltip.style.top = `${y}px`;
  });
  container.addEventListener('pointerleave', () => { tooltip.hidden = true; });
  new ResizeObserver(() => render()).observe(container);

  return {
    update(next) {
      cells = next;
      scale = sentimentScale(cells);
      render();
    },
    select(cell) {
      selected = cell;
      for (const node of container.querySelectorAll('[data-cell]')) {
        node.classList.toggle('selected', node.dataset.cell === cell);
      }
    },
  };
}

/** Cuts a label to the tile's width (about 7 px a character at 12 px), so it never spills onto a neighbour. */
function fit(text, width) {
  const room = Math.floor((width - 10) / 7);
  return text.length <= room ? text : `${text.slice(0, Math.max(1, room - 1))}…`;
}

function showTooltip(tooltip, c) {
  tooltip.replaceChildren(
    el('strong', null, c.cell),
    el('dl', null,
      el('dt', null, 'Subscribers with incidents (24 h)'), el('dd', { 'data-field': 'subscribers' }, count(c.subscribers)),
      el('dt', null, 'Incidents (24 h)'), el('dd', null, count(c.incidents)),
      el('dt', null, 'Answers'), el('dd', null, count(c.feedback)),
      el('dt', null, 'Change in sentiment'), el('dd', null, c.feedback > 0 ? change(c.changeSentiment) : '—'),
      el('dt', null, 'Mean change per answer'), el('dd', { 'data-field': 'mean-change' }, c.feedback > 0 ? change(c.meanChangeSentiment) : 'no answers yet'),
      el('dt', null, 'Priority'), el('dd', null, decimal(c.priority))));
  tooltip.hidden = false;
}

function hatch() {
  return svg('pattern', { id: NO_ANSWERS, width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    svg('rect', { width: 8, height: 8, fill: '#e4e4e4' }),
    svg('line', { x1: 0, y1: 0, x2: 0, y2: 8, stroke: '#c8c8c8', 'stroke-width': 3 }));
}

/** The legend; its "no answers" swatch uses the heatmap's hatch pattern. */
function renderLegend(legend, scale) {
  const [low, , high] = scale.domain();
  const width = 280;
  const left = 22;
  const stops = Array.from({ length: 11 }, (_, i) => {
    const value = low + ((high - low) * i) / 10;
    return svg('stop', { offset: `${i * 10}%`, 'stop-color': scale(value) });
  });
  const ticks = [low, low / 2, 0, high / 2, high].map(value => {
    const x = left + ((value - low) / (high - low)) * width;
    return svg('g', { transform: `translate(${x},0)` },
      svg('line', { y1: 14, y2: 30, stroke: '#555' }),
      svg('text', { y: 42, 'text-anchor': 'middle' }, value === 0 ? '0' : change(value)));
  });
  legend.replaceChildren(
    el('span', { class: 'legend-title' }, 'Mean change in sentiment per answer'),
    svg('svg', { width: width + 2 * left, height: 48, 'aria-hidden': true },
      svg('defs', null, svg('linearGradient', { id: 'sentiment-gradient' }, stops)),
      svg('rect', { x: left, y: 12, width, height: 14, fill: 'url(#sentiment-gradient)' }),
      ticks),
    el('span', { class: 'legend-ends' }, el('span', null, '← goodwill lost'), el('span', null, 'gained →')),
    el('span', { class: 'legend-none' },
      svg('svg', { width: 16, height: 16, 'aria-hidden': true }, svg('rect', { width: 16, height: 16, fill: `url(#${NO_ANSWERS})` })),
      'no answers yet'));
}
