import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySgr, escapeHtml, paletteRgb, parseAnsi, PLAIN, segmentsToHtml } from './ansi.ts';

const html = (line: string) => segmentsToHtml(parseAnsi(line).segments);

test('plain text passes through unchanged', () => {
  assert.equal(html('hello world'), 'hello world');
});

test('basic foreground colours become palette classes and reset ends them', () => {
  assert.equal(html('\x1b[31mred\x1b[0m plain'), '<span class="fg-1">red</span> plain');
  assert.equal(html('\x1b[1;32mok\x1b[m'), '<span class="fg-2 b">ok</span>');
});

test('bright and background colours map to classes 8–15', () => {
  assert.equal(html('\x1b[91;44mx'), '<span class="fg-9 bg-4">x</span>');
  assert.equal(html('\x1b[103mx'), '<span class="bg-11">x</span>');
});

test('256-colour and truecolour use inline rgb', () => {
  assert.equal(html('\x1b[38;5;196mx'), '<span style="color:rgb(255,0,0)">x</span>');
  assert.equal(html('\x1b[48;2;1;2;3mx'), '<span style="background-color:rgb(1,2,3)">x</span>');
  assert.equal(html('\x1b[38;5;3mx'), '<span class="fg-3">x</span>');
});

test('HTML in job output is escaped, inside and outside spans', () => {
  assert.equal(html('<script>alert("x")</script>'), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  assert.equal(html("\x1b[31m<img src=x onerror='y'>&amp;"), '<span class="fg-1">&lt;img src=x onerror=&#39;y&#39;&gt;&amp;amp;</span>');
  assert.equal(escapeHtml('a&b'), 'a&amp;b');
});

test('non-SGR escapes (erase line, cursor moves, OSC titles and links) are dropped', () => {
  assert.equal(html('a\x1b[0Kb\x1b[2Ac'), 'abc');
  assert.equal(html('\x1b]0;title\x07text'), 'text');
  assert.equal(html('\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\'), 'link');
  assert.equal(html('\x1b[?25lhidden cursor'), 'hidden cursor');
});

test('a carriage return rewinds the line but keeps the colour state', () => {
  assert.equal(html('10%\r50%\r100%'), '100%');
  assert.equal(html('\x1b[32mprogress\rdone'), '<span class="fg-2">done</span>');
  assert.equal(html('trailing\r'), 'trailing');
});

test('style carries across lines and resets with 0 or an empty SGR', () => {
  const first = parseAnsi('\x1b[33mstart');
  const second = parseAnsi('continues', first.style);
  assert.equal(segmentsToHtml(second.segments), '<span class="fg-3">continues</span>');
  assert.deepEqual(applySgr(first.style, []), PLAIN);
  assert.equal(applySgr(applySgr(PLAIN, [1, 31]), [22]).bold, false);
  assert.equal(applySgr(applySgr(PLAIN, [31]), [39]).fg, null);
});

test('inverse swaps foreground and background', () => {
  assert.equal(html('\x1b[7;31mx'), '<span class="fg-inverse bg-1">x</span>');
});

test('malformed extended colours do not throw or swallow following params', () => {
  assert.doesNotThrow(() => parseAnsi('\x1b[38;5mx\x1b[38;2;1mx\x1b[38mx'));
  assert.equal(html('\x1b[38;5;999;1mx'), '<span class="b">x</span>');
});

test('xterm palette maps the colour cube and grey ramp', () => {
  assert.deepEqual(paletteRgb(16), [0, 0, 0]);
  assert.deepEqual(paletteRgb(231), [255, 255, 255]);
  assert.deepEqual(paletteRgb(232), [8, 8, 8]);
  assert.equal(paletteRgb(7), null);
});
