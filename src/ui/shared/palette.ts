/**
 * Colours of chart series drawn on a canvas (uPlot) or by index, as hex so a chart can add an alpha
 * (`${colour}22` for a band). Everything drawn in markup takes its colours from ../theme.css.
 *
 * @example
 * { label: 'train', stroke: SERIES_COLOURS[0] }
 */
export const SERIES_COLOURS = ['#4f46e5', '#059669', '#d97706', '#db2777', '#0891b2', '#7c3aed'] as const;

/** A reference series (a no-marker baseline): the theme's faint text grey. */
export const BASELINE_COLOUR = '#6b7280';
