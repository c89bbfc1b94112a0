/**
 * A Svelte attachment for a row that may scroll sideways (the tab strip at 390 px): it marks the
 * element with `data-more-start` / `data-more-end` while there is more to scroll to on that side,
 * kept up to date on scroll and resize, so CSS can draw a hint (a fade and an arrow) exactly when
 * something is hidden; a row that fits gets neither. It also scrolls the selected child
 * (`[aria-selected="true"]`) into view when attached, so a link that opens on the last tab shows it.
 *
 * @example
 * <div role="tablist" {@attach scrollHints}>…</div>
 * <style> [role='tablist'][data-more-end] { mask-image: linear-gradient(to right, var(--text) 85%, transparent); } </style>
 */
import type { Attachment } from 'svelte/attachments';

/** Which sides of `el` have content scrolled out of view (1 px of slack for fractional widths). */
export function hiddenSides(el: Pick<HTMLElement, 'scrollLeft' | 'scrollWidth' | 'clientWidth'>): { start: boolean; end: boolean } {
  // scrollLeft is negative in right-to-left layouts; the distance from the start is its size.
  const fromStart = Math.abs(el.scrollLeft);
  return { start: fromStart > 1, end: fromStart + el.clientWidth < el.scrollWidth - 1 };
}

export const scrollHints: Attachment<HTMLElement> = (host) => {
  const update = (): void => {
    const { start, end } = hiddenSides(host);
    host.toggleAttribute('data-more-start', start);
    host.toggleAttribute('data-more-end', end);
  };
  host.querySelector('[aria-selected="true"]')?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  update();
  host.addEventListener('scroll', update, { passive: true });
  const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(update);
  resize?.observe(host);
  return () => {
    host.removeEventListener('scroll', update);
    resize?.disconnect();
  };
};
