// The live operations page: one server-sent event stream drives the heatmap, the priority table and
// the counters; the open cell and subscriber are fetched again on each event. Nothing reloads the page.
import { followLive } from './api.js';
import { createCellDetail } from './cell.js';
import { time } from './format.js';
import { createHeatmap } from './heatmap.js';
import { createPriorityTable } from './priority.js';
import { renderStats } from './stats.js';
import { createLookup } from './subscriber.js';

const $ = id => document.getElementById(id);

const lookup = createLookup($('lookup-form'), $('lookup-msisdn'), $('subscriber'), () => remember());
const cellDetail = createCellDetail($('cell-detail'), msisdn => {
  lookup.show(msisdn);
  $('lookup-title').scrollIntoView({ behavior: 'smooth', block: 'start' });
});

let selectedCell = null;
const select = cell => {
  selectedCell = cell;
  heatmap.select(cell);
  priority.select(cell);
  cellDetail.show(cell);
  remember();
};
const heatmap = createHeatmap($('heatmap'), $('legend'), $('tooltip'), select);
const priority = createPriorityTable($('priority').tBodies[0], select);

// The open cell and subscriber live in the address's fragment, so a link or a refresh shows them again.
function remember() {
  const state = new URLSearchParams();
  if (selectedCell) state.set('cell', selectedCell);
  if (lookup.current) state.set('msisdn', lookup.current);
  const address = state.size > 0 ? `#${state}` : location.pathname;
  if (address !== (location.hash || location.pathname)) history.replaceState(null, '', address);
}

const restored = new URLSearchParams(location.hash.slice(1));
if (restored.get('cell')) select(restored.get('cell'));
if (restored.get('msisdn')) lookup.show(restored.get('msisdn'));

// The dashboard lives with the silo: a gateway running on its own has none to link to.
fetch('dashboard/version', { headers: { Accept: 'application/json' } })
  .then(response => { $('dashboard-link').hidden = !response.ok; })
  .catch(() => {});

const status = $('live-status');
let updates = 0;
followLive(
  snapshot => {
    updates += 1;
    status.dataset.updates = String(updates);
    status.dataset.lastUpdate = snapshot.at;
    status.dataset.state = 'live';
    status.textContent = `live · updated ${time(snapshot.at)}`;
    heatmap.update(snapshot.cells);
    priority.update(snapshot.cells);
    renderStats($('stats'), snapshot.stats);
    cellDetail.refresh();
    lookup.refresh();
  },
  state => {
    status.dataset.state = state;
    if (state !== 'live') status.textContent = state === 'closed' ? 'disconnected' : 'reconnecting…';
  });
