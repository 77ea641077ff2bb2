import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';

type Part = { code: boolean; text: string };
const source = readFileSync(path.join(import.meta.dirname, 'static/rich-text.js'), 'utf8');
const sandbox: { listgateRichText?: { richTextParts(text: string): Part[] } } = {};
runInNewContext(source, sandbox);
// The parts come from another realm: copied, so deepEqual compares them as plain objects.
const parts = (text: string): Part[] => JSON.parse(JSON.stringify(sandbox.listgateRichText!.richTextParts(text)));

describe('rich-text.js (the API Tester descriptions)', () => {
  it('turns `code` spans into code parts and keeps the rest as text', () => {
    assert.deepEqual(parts('Opaque cursor from `_links.next.href`; carries the query'), [
      { code: false, text: 'Opaque cursor from ' },
      { code: true, text: '_links.next.href' },
      { code: false, text: '; carries the query' },
    ]);
    assert.deepEqual(parts('`all` or `active`'), [
      { code: true, text: 'all' },
      { code: false, text: ' or ' },
      { code: true, text: 'active' },
    ]);
  });

  it('never turns markup into anything but text, and leaves a lone backtick alone', () => {
    assert.deepEqual(parts('<img src=x onerror=alert(1)> `<b>`'), [
      { code: false, text: '<img src=x onerror=alert(1)> ' },
      { code: true, text: '<b>' },
    ]);
    assert.deepEqual(parts('a ` b'), [{ code: false, text: 'a ` b' }]);
  });
});
