// The gateway's read API (paths relative to the page, so a path base keeps working).

/** A refusal from the API, carrying its RFC 7807 problem when there is one. */
export class ProblemError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `The gateway answered ${status}.`);
    this.status = status;
    this.problem = problem;
  }
}

async function getJson(path, signal) {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, signal });
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    throw new ProblemError(response.status, problem);
  }
  return response.json();
}

export const getCell = (cell, signal) => getJson(`api/v1/cells/${encodeURIComponent(cell)}`, signal);
export const getSubscriber = (msisdn, signal) => getJson(`api/v1/subscribers/${encodeURIComponent(msisdn)}`, signal);

/**
 * Follows the live stream: onSnapshot gets each {at, cells, stats}; onState gets 'live' or
 * 'reconnecting'. EventSource reconnects by itself after a drop.
 */
export function followLive(onSnapshot, onState) {
  const source = new EventSource('api/v1/live');
  source.addEventListener('open', () => onState('live'));
  source.addEventListener('error', () => onState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'));
  source.addEventListener('snapshot', event => onSnapshot(JSON.parse(event.data)));
  return source;
}
