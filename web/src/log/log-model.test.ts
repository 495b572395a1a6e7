import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLineVisible, LogModel, sectionDurationSeconds } from './log-model.ts';

const E = '\x1b[0K';

function sample(): string {
  return [
    'Running with runnel',
    `section_start:100:prepare_script\r${E}\x1b[36;1mPreparing environment\x1b[0;m`,
    'Using shell',
    `section_end:103:prepare_script\r${E}`,
    `section_start:103:step_script[collapsed=true]\r${E}Executing "step_script"`,
    '$ make test',
    `section_start:104:inner\r${E}Inner`,
    'inside inner',
    `section_end:110:inner\r${E}`,
    'ok',
    `section_end:170:step_script\r${E}`,
    'Job succeeded',
    '',
  ].join('\n');
}

test('sections become header lines with nested ancestors and durations', () => {
  const log = new LogModel();
  log.append(sample());
  const texts = log.lines.map((l) => l.html.replace(/<[^>]+>/g, ''));
  assert.deepEqual(texts, ['Running with runnel', 'Preparing environment', 'Using shell', 'Executing &quot;step_script&quot;', '$ make test', 'Inner', 'inside inner', 'ok', 'Job succeeded']);
  const inner = log.lines[6];
  assert.deepEqual(inner?.ancestors, ['step_script', 'inner']);
  assert.equal(log.lines[3]?.sectionId, 'step_script');
  assert.deepEqual(log.lines[3]?.ancestors, []);
  assert.equal(sectionDurationSeconds(log.sections.get('prepare_script')!), 3);
  assert.equal(sectionDurationSeconds(log.sections.get('step_script')!), 67);
  assert.equal(log.sections.get('step_script')?.collapsedByDefault, true);
  assert.equal(log.sections.get('prepare_script')?.collapsedByDefault, false);
  assert.deepEqual(log.lines.map((l) => l.number), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('collapsing a section hides its body but keeps its header', () => {
  const log = new LogModel();
  log.append(sample());
  const shown = log.lines.filter((l) => isLineVisible(l, new Set(['step_script']))).map((l) => l.number);
  assert.deepEqual(shown, [1, 2, 3, 4, 9]);
});

test('chunks split anywhere give the same lines as one append, and old lines keep identity', () => {
  const whole = new LogModel();
  whole.append(sample());
  const text = sample();
  const chunked = new LogModel();
  const firstLines: unknown[] = [];
  for (let i = 0; i < text.length; i += 7) {
    chunked.append(text.slice(i, i + 7));
    if (chunked.lines.length >= 2 && firstLines.length === 0) firstLines.push(chunked.lines[0], chunked.lines[1]);
  }
  assert.deepEqual(chunked.lines, whole.lines);
  assert.equal(chunked.lines[0], firstLines[0]);
  assert.equal(chunked.lines[1], firstLines[1]);
});

test('the unfinished last line is shown as pending and becomes a line when its newline arrives', () => {
  const log = new LogModel();
  log.append('first\nsecond par');
  assert.equal(log.lines.length, 1);
  assert.equal(log.pending?.html, 'second par');
  assert.equal(log.pending?.number, 2);
  log.append('t\n');
  assert.equal(log.pending, null);
  assert.equal(log.lines[1]?.html, 'second part');
});

test('UTF-8 characters split across byte chunks decode correctly', () => {
  const log = new LogModel();
  const bytes = new TextEncoder().encode('héllo ✓\n');
  log.appendBytes(bytes.subarray(0, 2));
  log.appendBytes(bytes.subarray(2, 8));
  log.appendBytes(bytes.subarray(8));
  assert.equal(log.lines[0]?.html, 'héllo ✓');
});

test('colour state carries from line to line', () => {
  const log = new LogModel();
  log.append('\x1b[31mred starts\nstill red\x1b[0m\nplain\n');
  assert.equal(log.lines[1]?.html, '<span class="fg-1">still red</span>');
  assert.equal(log.lines[2]?.html, 'plain');
});

test('an end marker closes sections opened inside it; an unmatched end is ignored', () => {
  const log = new LogModel();
  log.append(`section_start:1:outer\r${E}Outer\nsection_start:2:inner\r${E}Inner\nx\nsection_end:5:outer\r${E}\nsection_end:6:nothing\r${E}\nafter\n`);
  const after = log.lines.find((l) => l.html === 'after');
  assert.deepEqual(after?.ancestors, []);
  assert.equal(log.sections.get('inner')?.endedAt, 5);
});

test('a repeated section name gets a distinct id', () => {
  const log = new LogModel();
  log.append(`section_start:1:step\r${E}A\nsection_end:2:step\r${E}\nsection_start:3:step\r${E}B\nsection_end:4:step\r${E}\n`);
  assert.deepEqual([...log.sections.keys()], ['step', 'step~2']);
});

test('CRLF line endings and text around markers are handled', () => {
  const log = new LogModel();
  log.append(`before section_start:1:s\r${E}Header\r\nbody\r\nsection_end:2:s\r${E}tail\r\n`);
  assert.deepEqual(log.lines.map((l) => l.html), ['before ', 'Header', 'body', 'tail']);
  assert.equal(log.lines[1]?.sectionId, 's');
  assert.deepEqual(log.lines[3]?.ancestors, []);
});

test('markup in section headers is escaped', () => {
  const log = new LogModel();
  log.append(`section_start:1:s\r${E}<b>bold?</b>\n`);
  assert.equal(log.lines[0]?.html, '&lt;b&gt;bold?&lt;/b&gt;');
});
