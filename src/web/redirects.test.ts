import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeReturnTo } from './redirects.ts';

describe('safeReturnTo', () => {
  it('keeps a path on this server, query included', () => {
    assert.equal(safeReturnTo('/account/apps?x=1&y=%2F', '/home'), '/account/apps?x=1&y=%2F');
    assert.equal(safeReturnTo('/interaction/abc', '/home'), '/interaction/abc');
  });

  it('falls back for other origins, scheme-relative and backslash targets', () => {
    for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '', 'account', null, 42]) {
      assert.equal(safeReturnTo(bad, '/home'), '/home', String(bad));
    }
  });

  it('falls back for every control character, DEL, spaces and non-ASCII characters', () => {
    for (let code = 0; code < 0x20; code++) assert.equal(safeReturnTo(`/a${String.fromCharCode(code)}b`, '/home'), '/home', `\\x${code.toString(16)}`);
    for (const bad of ['/a\x7fb', '/a b', '/caf\u00e9', '/\u2028', '/a\r\nSet-Cookie: x=1']) assert.equal(safeReturnTo(bad, '/home'), '/home', JSON.stringify(bad));
  });

  it('falls back for a target longer than 2048 characters', () => {
    assert.equal(safeReturnTo(`/${'a'.repeat(2048)}`, '/home'), '/home');
  });
});
