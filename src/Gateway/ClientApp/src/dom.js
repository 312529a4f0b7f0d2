// Small helpers to build DOM from data. Text always goes in as text, never as HTML:
// cell ids and reasons come from outside.

const SVG = 'http://www.w3.org/2000/svg';

function build(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.setAttribute('class', value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: el('td', { class: 'num' }, '42'). */
export const el = (tag, attributes, ...children) => build(document.createElement(tag), attributes, children);

/** An SVG element. */
export const svg = (tag, attributes, ...children) => build(document.createElementNS(SVG, tag), attributes, children);

/** A table with a header row and one row per item. */
export function table(columns, rows, rowAttributes) {
  return el('table', { class: 'grid' },
    el('thead', null, el('tr', null, columns.map(c => el('th', { scope: 'col', class: c.num ? 'num' : undefined }, c.title)))),
    el('tbody', null, rows.map(row => el('tr', rowAttributes?.(row),
      columns.map(c => el('td', { class: c.num ? 'num' : undefined }, c.value(row)))))));
}
