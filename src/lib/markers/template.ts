/**
 * Formatting and parsing of marker templates. One import for the three parts:
 * pieces and formatting (template-format.ts), the escaped string form (template-string.ts),
 * tolerant parsing (template-parse.ts).
 */
export * from './template-format';
export * from './template-string';
export * from './template-parse';
