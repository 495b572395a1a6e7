// Set.prototype methods (union, intersection, difference, …) arrived in Node 22; gitlab-ci-local
// 4.x calls them. Loaded with `node --import ./bench/support/set-union-polyfill.mjs` on Node 20.
const methods = {
  union(other) { const r = new Set(this); for (const v of other.keys()) r.add(v); return r; },
  intersection(other) { const r = new Set(); for (const v of this) if (other.has(v)) r.add(v); return r; },
  difference(other) { const r = new Set(); for (const v of this) if (!other.has(v)) r.add(v); return r; },
  symmetricDifference(other) { const r = new Set(this); for (const v of other.keys()) { if (this.has(v)) r.delete(v); else r.add(v); } return r; },
  isSubsetOf(other) { for (const v of this) if (!other.has(v)) return false; return true; },
  isSupersetOf(other) { for (const v of other.keys()) if (!this.has(v)) return false; return true; },
  isDisjointFrom(other) { for (const v of this) if (other.has(v)) return false; return true; },
};
for (const [name, fn] of Object.entries(methods)) {
  if (typeof Set.prototype[name] !== 'function') Object.defineProperty(Set.prototype, name, { value: fn, writable: true, configurable: true });
}
