/**
 * `pure(Component)`: re-renders only when a prop changes identity (shallow compare) — Preact
 * core's equivalent of compat's `memo`, without pulling in preact/compat. Used for job nodes and
 * log lines so one status event repaints one node, not the page.
 */
import { Component, h, type FunctionComponent } from 'preact';

export function pure<P extends object>(render: FunctionComponent<P>): FunctionComponent<P> {
  class Pure extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      const a = this.props as Record<string, unknown>;
      const b = next as Record<string, unknown>;
      for (const k in a) if (k !== 'children' && a[k] !== b[k]) return true;
      for (const k in b) if (k !== 'children' && !(k in a)) return true;
      return a.children !== b.children;
    }
    override render(props: P) {
      return h(render, props);
    }
  }
  return Pure as unknown as FunctionComponent<P>;
}
