import { describe, expect, it, vi } from 'vitest';
import { hiddenSides, scrollHints } from '../../src/ui/shared/scroll-hints';

/** A row `content` px wide in a box `box` px wide (happy-dom has no layout: the sizes are set by hand). */
function row(box: number, content: number): HTMLDivElement {
  const el = document.createElement('div');
  Object.defineProperties(el, {
    clientWidth: { value: box, configurable: true },
    scrollWidth: { value: content, configurable: true },
    scrollLeft: { value: 0, writable: true, configurable: true },
  });
  return el;
}
const marks = (el: HTMLElement) => [el.hasAttribute('data-more-start'), el.hasAttribute('data-more-end')];
const scrollTo = (el: HTMLElement, x: number) => {
  el.scrollLeft = x;
  el.dispatchEvent(new Event('scroll'));
};

describe('hiddenSides', () => {
  it('says which sides have content scrolled out of view, with a pixel of slack, in either direction of writing', () => {
    expect(hiddenSides({ scrollLeft: 0, clientWidth: 358, scrollWidth: 358.5 })).toEqual({ start: false, end: false });
    expect(hiddenSides({ scrollLeft: 0, clientWidth: 358, scrollWidth: 470 })).toEqual({ start: false, end: true });
    expect(hiddenSides({ scrollLeft: 112, clientWidth: 358, scrollWidth: 470 })).toEqual({ start: true, end: false });
    expect(hiddenSides({ scrollLeft: -50, clientWidth: 358, scrollWidth: 470 })).toEqual({ start: true, end: true }); // right to left
  });
});

describe('scrollHints', () => {
  it('marks the sides with more as the row scrolls, and stops when detached', () => {
    const el = row(300, 500);
    const detach = scrollHints(el) as () => void;
    expect(marks(el)).toEqual([false, true]);
    scrollTo(el, 100);
    expect(marks(el)).toEqual([true, true]);
    scrollTo(el, 200);
    expect(marks(el)).toEqual([true, false]);
    detach();
    scrollTo(el, 0);
    expect(marks(el)).toEqual([true, false]);
  });

  it('marks nothing on a row that fits, and brings the selected tab into view', () => {
    const el = row(500, 500);
    const selected = document.createElement('button');
    selected.setAttribute('aria-selected', 'true');
    const into = vi.fn();
    selected.scrollIntoView = into;
    el.append(document.createElement('button'), selected);
    (scrollHints(el) as () => void)();
    expect(marks(el)).toEqual([false, false]);
    expect(into).toHaveBeenCalledWith({ block: 'nearest', inline: 'nearest' });
  });
});
