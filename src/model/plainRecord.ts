/**
 * An empty object without a prototype, for maps keyed by untrusted text (attribute keys, JSON
 * keys): on a plain `{}`, assigning the key `__proto__` changes the prototype instead of adding
 * an entry, and the entry silently vanishes.
 */
export function plainRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
