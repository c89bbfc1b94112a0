/** The options `markerlab` loads a built-in with when no flag says otherwise (see cli/main.ts OPTIONS). */
export const TEACHING_OPTIONS = { wrapper: 'MARKER_LIST', lengthBuckets: { mode: 'quantile' } } as const;
