/**
 * @module DOM helpers of the dashboard. Text goes in through `textContent` only (never HTML), so
 * PID names and server messages cannot inject markup; no inline styles (the page's CSP forbids
 * them).
 */

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`dashboard: #${id} is missing from the page`)
  return el as T
}

/** An element with a class and text or child nodes. */
export function h(
  tag: string,
  opts: { cls?: string; text?: string | number } = {},
  ...children: Node[]
): HTMLElement {
  const el = document.createElement(tag)
  if (opts.cls) el.className = opts.cls
  if (opts.text !== undefined) el.textContent = String(opts.text)
  el.append(...children)
  return el
}

/** Replaces a table's rows: a header row and one row per entry. Numbers are right-aligned. */
export function fillTable(
  table: HTMLElement,
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  rowClass?: (index: number) => string | undefined
): void {
  table.replaceChildren(
    h('tr', {}, ...header.map((t) => h('th', { text: t }))),
    ...rows.map((row, i) =>
      h(
        'tr',
        { cls: rowClass?.(i) },
        ...row.map((v) => h('td', { text: v, cls: typeof v === 'number' ? 'num' : undefined }))
      )
    )
  )
}

export function fillSelect(
  select: HTMLSelectElement,
  options: readonly { value: string; label: string }[]
): void {
  select.replaceChildren(
    ...options.map((o) => {
      const el = document.createElement('option')
      el.value = o.value
      el.textContent = o.label
      return el
    })
  )
}

export function showError(el: HTMLElement, error: unknown): void {
  el.className = 'readout error'
  el.textContent = error instanceof Error ? error.message : String(error)
}

export function showText(el: HTMLElement, text: string): void {
  el.className = 'readout'
  el.textContent = text
}

export const bytes = (n: number): string =>
  n >= 1024 * 1024
    ? `${(n / 1024 / 1024).toFixed(1)} MiB`
    : n >= 1024
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${n} B`
