/** How deeply arrays and key-value lists may nest inside one value before a request is refused. */
export const MAX_VALUE_DEPTH = 64;
