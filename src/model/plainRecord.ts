/**
 * Adds `key` to a map built from untrusted text (attribute keys, JSON keys). On an object
 * literal, assigning `__proto__` replaces the prototype instead of adding an entry, and the entry
 * silently vanishes; defining it keeps it an ordinary, enumerable own key that JSON carries.
 */
export function setEntry<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}
