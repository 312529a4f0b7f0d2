// Numbers and times as operations read them.

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const count = n => integer.format(n);
export const decimal = n => oneDecimal.format(n);
export const percent = rate => `${oneDecimal.format(rate * 100)} %`;

/** A change in sentiment with its sign: −1.75, +0.50, 0.00. */
export const change = n => (n > 0 ? '+' : n < 0 ? '−' : '') + twoDecimals.format(Math.abs(n));

export const time = iso => clock.format(new Date(iso));
export const when = iso => (iso ? dateTime.format(new Date(iso)) : '—');

/** A .NET TimeSpan ("00:15:00", "1.00:00:00") as minutes or hours. */
export function span(text) {
  const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)/.exec(text ?? '');
  if (!match) return text ?? '';
  const minutes = (Number(match[1] ?? 0) * 24 + Number(match[2])) * 60 + Number(match[3]);
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}
