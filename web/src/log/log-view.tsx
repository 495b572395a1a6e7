/**
 * The job log: numbered lines with ANSI colours, GitLab sections as disclosure buttons (collapsed
 * per `[collapsed=true]` until the user says otherwise), and follow-tail. Line HTML comes only
 * from `segmentsToHtml`, which escapes job output. Lines are `pure` and keyed by number, so
 * appending repaints only the new lines.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { pure } from '../components/pure.ts';
import { formatDuration } from '../format/duration.ts';
import { isLineVisible, sectionDurationSeconds, type LogLine, type LogModel, type LogSection } from './log-model.ts';

const Line = pure(function Line({ line, section, collapsed, onToggle }: {
  line: LogLine;
  section: LogSection | null;
  collapsed: boolean;
  /** Section end time, so a header repaints when its section closes. */
  endedAt: number | null;
  onToggle: (id: string) => void;
}) {
  const depth = line.ancestors.length;
  if (section) {
    const seconds = sectionDurationSeconds(section);
    return (
      <div class="log-line log-header">
        <span class="ln" aria-hidden="true">{line.number}</span>
        <button type="button" class="section-toggle" style={depth ? { paddingLeft: `${depth}ch` } : undefined} aria-expanded={!collapsed} onClick={() => onToggle(section.id)}>
          <span class="caret" aria-hidden="true">{collapsed ? '▸' : '▾'}</span>
          <span class="lt" dangerouslySetInnerHTML={{ __html: line.html || section.name }} />
        </button>
        {seconds !== null && <span class="section-time">{formatDuration(seconds)}</span>}
      </div>
    );
  }
  return (
    <div class="log-line">
      <span class="ln" aria-hidden="true">{line.number}</span>
      <span class="lt" style={depth ? { paddingLeft: `${depth}ch` } : undefined} dangerouslySetInnerHTML={{ __html: line.html }} />
    </div>
  );
});

export function LogView({ log, version, running }: { log: LogModel; version: number; running: boolean }) {
  const [overrides, setOverrides] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLDivElement>(null);
  const programmaticScroll = useRef(false);

  const collapsed = useMemo(() => {
    const set = new Set<string>();
    for (const s of log.sections.values()) {
      const o = overrides.get(s.id);
      if (o ?? s.collapsedByDefault) set.add(s.id);
    }
    return set;
    // version: sections appear as the log grows.
  }, [log, version, overrides]);

  const toggle = useMemo(() => (id: string) => setOverrides((prev) => {
    const next = new Map(prev);
    const s = log.sections.get(id);
    const now = next.get(id) ?? s?.collapsedByDefault ?? false;
    next.set(id, !now);
    return next;
  }), [log]);

  useLayoutEffect(() => {
    const el = box.current;
    if (follow && el) { programmaticScroll.current = true; el.scrollTop = el.scrollHeight; }
  }, [version, follow, collapsed]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onScroll = () => {
      if (programmaticScroll.current) { programmaticScroll.current = false; return; }
      const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      setFollow(atBottom);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);

  const lines = log.lines.filter((l) => isLineVisible(l, collapsed));
  const pending = log.pending && isLineVisible(log.pending, collapsed) ? log.pending : null;
  const setAll = (value: boolean) => setOverrides(new Map([...log.sections.keys()].map((id) => [id, value])));

  return (
    <div class="log-wrap">
      <div class="log-toolbar">
        <label class="toggle">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} /> Follow log
        </label>
        {log.sections.size > 0 && <>
          <button type="button" class="btn btn-small btn-quiet" onClick={() => setAll(true)}>Collapse all</button>
          <button type="button" class="btn btn-small btn-quiet" onClick={() => setAll(false)}>Expand all</button>
        </>}
        <span class="muted small">{log.lines.length + (log.pending ? 1 : 0)} lines{running ? ' · streaming' : ''}</span>
      </div>
      <div class="log" ref={box} role="log" aria-label="Job log" aria-live="off" tabIndex={0}>
        {lines.length === 0 && !pending && <div class="log-line muted"><span class="ln" /> {running ? 'Waiting for output…' : 'No output.'}</div>}
        {lines.map((line) => {
          const section = line.sectionId ? log.sections.get(line.sectionId) ?? null : null;
          return <Line key={line.number} line={line} section={section} endedAt={section?.endedAt ?? null}
            collapsed={section ? collapsed.has(section.id) : false} onToggle={toggle} />;
        })}
        {pending && <div class="log-line"><span class="ln" aria-hidden="true">{pending.number}</span><span class="lt" dangerouslySetInnerHTML={{ __html: pending.html }} /></div>}
      </div>
    </div>
  );
}
