/**
 * Where each value came from. Config values are plain data, so positions live beside them in a
 * WeakMap keyed by the map/array object: for every entry we keep the position of its key and of
 * its value. Merges (includes, extends, defaults) copy the entry positions of the winning side, so
 * a diagnostic about a merged job still points into the file and line the value was written on.
 */
import type { SourcePosition } from './diagnostic.js';
import { NO_POSITION } from './diagnostic.js';

export interface EntryPositions {
  key: SourcePosition;
  value: SourcePosition;
}

interface NodeInfo {
  at: SourcePosition;
  entries: Map<string | number, EntryPositions>;
}

export class Locations {
  private readonly nodes = new WeakMap<object, NodeInfo>();

  register(node: object, at: SourcePosition): void {
    if (!this.nodes.has(node)) this.nodes.set(node, { at, entries: new Map() });
  }

  setEntry(node: object, key: string | number, positions: EntryPositions): void {
    let info = this.nodes.get(node);
    if (!info) {
      info = { at: positions.key, entries: new Map() };
      this.nodes.set(node, info);
    }
    info.entries.set(key, positions);
  }

  /** Copies the positions of `key` in `from` onto `key` in `to` (used by merges). */
  copyEntry(from: object, fromKey: string | number, to: object, toKey: string | number = fromKey): void {
    const entry = this.nodes.get(from)?.entries.get(fromKey);
    if (entry) this.setEntry(to, toKey, entry);
  }

  of(node: unknown): SourcePosition {
    if (typeof node !== 'object' || node === null) return NO_POSITION;
    return this.nodes.get(node)?.at ?? NO_POSITION;
  }

  /** Position of the key `key` inside `node`, falling back to the node itself. */
  keyOf(node: unknown, key: string | number): SourcePosition {
    if (typeof node !== 'object' || node === null) return NO_POSITION;
    const info = this.nodes.get(node);
    return info?.entries.get(key)?.key ?? info?.at ?? NO_POSITION;
  }

  /** Position of the value under `key` inside `node`, falling back to the key, then the node. */
  valueOf(node: unknown, key: string | number): SourcePosition {
    if (typeof node !== 'object' || node === null) return NO_POSITION;
    const info = this.nodes.get(node);
    return info?.entries.get(key)?.value ?? info?.at ?? NO_POSITION;
  }
}
