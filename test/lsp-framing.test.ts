/**
 * Malformed framing on stdio: the server must not stay alive and deaf. It exits with status 1 and says why on
 * stderr, so that the client sees the process end and restarts it; a well-framed session is untouched.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { FramingGuard } from '../server/src/lsp/framing';
import { SERVER, withTimeout } from './lsp-client';

function frame(body: string): string {
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Feeds bytes to a guard in the given pieces; returns the problem it found, if any, and the bytes it passed. */
function guard(pieces: string[]): { problem?: string; passed: string } {
  let problem: string | undefined;
  const g = new FramingGuard((p) => { problem = p; });
  let passed = '';
  g.on('data', (b: Buffer) => { passed += b.toString('latin1'); });
  for (const p of pieces) g.write(Buffer.from(p, 'latin1'));
  return { problem, passed };
}

describe('message framing', () => {
  it('passes well-framed messages, split anywhere, unchanged', () => {
    const text = frame('{"jsonrpc":"2.0","method":"a"}') + 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n' + frame('{"x":1}');
    for (const cut of [1, 7, 20, 40, text.length - 1]) {
      const r = guard([text.slice(0, cut), text.slice(cut)]);
      assert.equal(r.problem, undefined, `cut at ${cut}`);
    }
  });

  for (const [what, bytes, pattern] of [
    ['a length that is not a number', 'Content-Length: abc\r\n\r\n{}', /not a length: "abc"/],
    ['a negative length', 'Content-Length: -5\r\n\r\n{}', /not a length: "-5"/],
    ['a 2^40 length', `Content-Length: ${2 ** 40}\r\n\r\n{}`, /over the limit/],
    ['a header line without a colon', 'Content-Length 12\r\n\r\n{}', /without a name and a colon/],
    ['bare LF terminators', 'Content-Length: 2\n\n{}', /bare LF/],
    ['no Content-Length', 'Content-Type: x\r\n\r\n{}', /without Content-Length/],
  ] as const) {
    it(`finds ${what}`, () => assert.match(guard([bytes]).problem ?? '', pattern));
  }

  it('makes the stdio server exit with status 1 and a message, instead of running deaf', async () => {
    const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
    let stderr = '';
    proc.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.stdin.write('Content-Length: abc\r\n\r\n{}');
    // A hang detector only: the server exits at once.
    const code = await withTimeout(exited, 'the server to exit');
    assert.equal(code, 1);
    assert.match(stderr, /malformed message from the client \(Content-Length is not a length: "abc"\)/);
  });
});
