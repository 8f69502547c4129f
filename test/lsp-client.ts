/**
 * A small language-server client for tests: it spawns the bundled server (dist/server.js) over
 * stdio and speaks real JSON-RPC to it. Waiting is always for an event (a notification that
 * matches a predicate), bounded by a safety timeout that rejects with what was awaited.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClientCapabilities, type CodeAction, type Command, type ConfigurationParams, type Diagnostic, type Hover,
  type InitializeResult, type LogMessageParams, type MessageConnection, type Position, type ProgressToken,
  type PublishDiagnosticsParams, type Range, type TextDocumentContentChangeEvent, type TextEdit,
  type WorkDoneProgressCreateParams,
  createMessageConnection, ErrorCodes, ResponseError, StreamMessageReader, StreamMessageWriter,
} from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';

export const ROOT = join(__dirname, '..');
/** The bundle under test; LOCKSET_SERVER may name another build of it. */
export const SERVER = process.env.LOCKSET_SERVER ?? join(ROOT, 'dist', 'server.js');
export const CLI = join(ROOT, 'dist', 'cli.js');
export const EXAMPLES = join(ROOT, 'examples');

/**
 * A hang detector, not a time bound: long enough for a loaded two-core machine (20 s failed there while
 * the 3 MB index test shared the cores with other work); a test that waits this long has failed.
 */
export const SAFETY_MS = 120_000;

/** Rejects with `what` if `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, what: string, ms = SAFETY_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms); // safety timeout: not a sleep
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export function uriOf(path: string): string { return URI.file(path).toString(); }

/** A fresh copy of examples/ in the temp directory; the caller removes it. */
export function copyExamples(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockset-lsp-'));
  cpSync(EXAMPLES, dir, { recursive: true });
  return dir;
}

// ---- text positions -------------------------------------------------------------------------

/** The position of the `occurrence`-th (0-based) `needle` in `text`, moved `shift` characters on. */
export function positionOf(text: string, needle: string, occurrence = 0, shift = 0): Position {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" occurs ${i} time(s) in the text, wanted occurrence ${occurrence}`);
  }
  return positionAt(text, at + shift);
}

/** The range of the first `length` characters of the `occurrence`-th `needle` in `text` (all of it by default). */
export function rangeOf(text: string, needle: string, occurrence = 0, length = needle.length): Range {
  const start = positionOf(text, needle, occurrence);
  return { start, end: positionAt(text, offsetAt(text, start) + length) };
}

/** 0-based line/character (UTF-16) of an offset. */
export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function offsetAt(text: string, pos: Position): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  const end = text.indexOf('\n', offset);
  return Math.min(offset + pos.character, end < 0 ? text.length : end);
}

/** Applies non-overlapping edits the way an editor does: every range refers to the original text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

// ---- the client -----------------------------------------------------------------------------

/** The params of a `$/progress` notification (vscode-jsonrpc does not export its own type). */
export interface ProgressParams<T = { kind: string }> { token: ProgressToken; value: T }

export interface OpenDocument { text: string; version: number }

/** A notification or request from the server. */
export interface Message { method: string; params: unknown }

interface Waiter { check(): boolean; fail(e: Error): void }

export interface StartOptions {
  /** The workspace folder. */
  root: string;
  /** What `workspace/configuration` answers for the `lockset` section; may be changed later. */
  settings?: unknown;
  /** The server's working directory (default: root, as VS Code does). */
  cwd?: string;
  /** Server-to-client requests to answer with MethodNotFound, as a client without them would. */
  unsupportedRequests?: string[];
  /** Server-to-client requests never to answer, as a stuck client would. */
  silentRequests?: string[];
  /** The initialize request's initializationOptions (the server's injected budgets). */
  initializationOptions?: unknown;
}

/**
 * What the client needs of the server's process: its stderr, its exit, and a way to end it. A spawned child
 * process, or an in-process server behind in-memory streams (see test/lsp-inprocess.ts).
 */
export interface ServerProcess {
  readonly stderr: NodeJS.EventEmitter;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'exit', listener: () => void): unknown;
  kill(): boolean;
  /** In this very process: `exit` would end the test run (the server calls process.exit). */
  readonly inProcess?: boolean;
}

export class LspClient<P extends ServerProcess = ChildProcessWithoutNullStreams> {
  /** The documents open in this client: the text and version the server should have. */
  readonly documents = new Map<string, OpenDocument>();
  /** Every notification from the server, in order of arrival ($/progress included). */
  readonly notifications: Message[] = [];
  /** Every request from the server, in order of arrival. */
  readonly requests: Message[] = [];
  /** The newest publishDiagnostics per uri. */
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every `workspace/configuration` request the server made. */
  readonly configurationRequests: ConfigurationParams[] = [];
  /** The tokens of every `window/workDoneProgress/create` request. */
  readonly progressTokens: ProgressToken[] = [];
  settings: unknown;
  initializeResult!: InitializeResult;
  private readonly waiters = new Set<Waiter>();
  private stderr = '';
  private exited: string | undefined;
  /** Rejects when the server process exits. */
  private readonly gone: Promise<never>;

  constructor(
    readonly proc: P, readonly connection: MessageConnection, settings: unknown, unsupported: readonly string[], silent: readonly string[],
  ) {
    this.settings = settings;
    proc.stderr.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    this.gone = new Promise<never>((_, reject) => {
      proc.on('exit', (code, signal) => {
        this.exited = `server exited (code ${code}, signal ${signal})${this.stderr ? `; stderr:\n${this.stderr}` : ''}`;
        for (const w of this.waiters) w.fail(new Error(this.exited));
        reject(new Error(this.exited));
      });
    });
    this.gone.catch(() => undefined); // only requests in flight care
    connection.onNotification((method, params) => this.record(method, params));
    connection.onUnhandledProgress((p: ProgressParams<unknown>) => this.record('$/progress', p));
    connection.onRequest((method, params) => {
      this.record(method, params, this.requests);
      if (unsupported.includes(method)) return new ResponseError(ErrorCodes.MethodNotFound, `the test client does not handle ${method}`);
      if (silent.includes(method)) return new Promise<never>(() => undefined);
      switch (method) {
        case 'workspace/configuration': {
          const p = params as ConfigurationParams;
          this.configurationRequests.push(p);
          return p.items.map((item) => (item.section === 'lockset' ? this.settings : null));
        }
        case 'window/workDoneProgress/create':
          this.progressTokens.push((params as WorkDoneProgressCreateParams).token);
          return null;
        case 'window/showMessageRequest':
          return null; // as if the user dismissed it
        case 'workspace/inlayHint/refresh':
          return null;
        default:
          return new ResponseError(ErrorCodes.MethodNotFound, `the test client does not handle ${method}`);
      }
    });
    connection.listen();
  }

  /** Spawns the server, initializes it with `root` as the only workspace folder and sends `initialized`. */
  static async start(opts: StartOptions): Promise<LspClient> {
    const proc: ChildProcessWithoutNullStreams = spawn(process.execPath, [SERVER, '--stdio'], { cwd: opts.cwd ?? opts.root, stdio: 'pipe' });
    const connection = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    return LspClient.initialize(new LspClient(proc, connection, opts.settings ?? {}, opts.unsupportedRequests ?? [], opts.silentRequests ?? []), opts);
  }

  /** Sends `initialize` with this client's capabilities and `root` as the only folder, then `initialized`. */
  static async initialize<Q extends ServerProcess>(client: LspClient<Q>, opts: StartOptions): Promise<LspClient<Q>> {
    const { connection, proc } = client;
    const capabilities: ClientCapabilities = {
      textDocument: {
        synchronization: { dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] }, versionSupport: false },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true },
      },
      workspace: { configuration: true, workspaceEdit: { documentChanges: true }, workspaceFolders: true, inlayHint: { refreshSupport: true } },
      window: { workDoneProgress: true, showMessage: {} },
    };
    const rootUri = uriOf(opts.root);
    try {
      client.initializeResult = await client.request<InitializeResult>('initialize', {
        // In process, no parent to watch (the server would poll this very process).
        processId: proc.inProcess ? null : process.pid,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: 'examples' }],
        capabilities,
        initializationOptions: opts.initializationOptions,
      });
      await connection.sendNotification('initialized', {});
    } catch (e) {
      connection.dispose();
      proc.kill();
      throw e;
    }
    return client;
  }

  /** A request, bounded by the safety timeout; a response error rejects. */
  request<R>(method: string, params: unknown): Promise<R> {
    if (this.exited) return Promise.reject(new Error(`${method}: ${this.exited}`));
    return withTimeout(Promise.race([this.connection.sendRequest<R>(method, params), this.gone]), `the response to ${method}`);
  }

  /** Why the server process is gone, or undefined while it runs. */
  get exitStatus(): string | undefined { return this.exited; }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** didOpen at version 1. Opening a document twice is a protocol error, so it throws. */
  async open(uri: string, text: string): Promise<void> {
    if (this.documents.has(uri)) throw new Error(`${uri} is already open`);
    this.documents.set(uri, { text, version: 1 });
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text } });
  }

  /** didChange at the next version; the client applies the changes to its own copy, which it returns. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<OpenDocument> {
    const doc = this.documents.get(uri);
    if (!doc) throw new Error(`${uri} is not open`);
    for (const c of changes) doc.text = 'range' in c ? applyEdits(doc.text, [{ range: c.range, newText: c.text }]) : c.text;
    doc.version++;
    await this.notify('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: changes });
    return doc;
  }

  async close(uri: string): Promise<void> {
    this.documents.delete(uri);
    await this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.request('textDocument/hover', { textDocument: { uri }, position });
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[] = []): Promise<(CodeAction | Command)[] | null> {
    return this.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } });
  }

  /**
   * Resolves with the first value `probe` returns that is not undefined, probing now and after each
   * message from the server; rejects after the safety timeout, naming `what`.
   */
  waitFor<T>(what: string, probe: () => T | undefined, describeLast?: () => string): Promise<T> {
    let waiter!: Waiter;
    const found = new Promise<T>((resolve, reject) => {
      waiter = {
        check: () => { const v = probe(); if (v === undefined) return false; resolve(v); return true; },
        fail: reject,
      };
    });
    if (this.exited) return Promise.reject(new Error(`waiting for ${what}: ${this.exited}`));
    if (!waiter.check()) this.waiters.add(waiter);
    return withTimeout(found, what).catch((e: Error) => {
      throw new Error(describeLast ? `${e.message}; last seen: ${describeLast()}` : e.message);
    }).finally(() => this.waiters.delete(waiter));
  }

  /** The first notification (already received or still to come) with `method` whose params satisfy `predicate`. */
  waitForNotification<P>(method: string, predicate: (params: P) => boolean = () => true, what = method): Promise<P> {
    return this.waitFor(what, () => this.notifications.find((n) => n.method === method && predicate(n.params as P))?.params as P | undefined);
  }

  /**
   * The diagnostics of `uri` once the newest publishDiagnostics for it satisfies `predicate`; a
   * notification that came before the call counts too.
   */
  waitForDiagnostics(uri: string, predicate: (d: Diagnostic[]) => boolean, what = 'matching diagnostics'): Promise<Diagnostic[]> {
    return this.waitFor(`publishDiagnostics for ${uri}: ${what}`, () => {
      const latest = this.diagnostics.get(uri);
      return latest && predicate(latest.diagnostics) ? latest.diagnostics : undefined;
    }, () => JSON.stringify(this.diagnostics.get(uri)?.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`) ?? 'none'));
  }

  /**
   * The end of the start-up scan, reported as work-done progress: from then on the server knows
   * every file of the workspace, not only the open ones.
   */
  async scanned(): Promise<void> {
    const begin = await this.waitForNotification<ProgressParams>('$/progress', (p) => p.value.kind === 'begin', 'work-done progress begin');
    await this.waitForNotification<ProgressParams>('$/progress', (p) => p.token === begin.token && p.value.kind === 'end', 'work-done progress end');
  }

  /** `window/logMessage` notifications of type Error (1). */
  errorLogs(): string[] {
    return this.notifications.filter((n) => n.method === 'window/logMessage' && (n.params as LogMessageParams).type === 1)
      .map((n) => (n.params as LogMessageParams).message);
  }

  /** `shutdown` and `exit`, then makes sure the process is gone. Safe to call more than once. */
  async stop(): Promise<void> {
    try {
      if (!this.exited) {
        const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
        await this.request('shutdown', null);
        if (this.proc.inProcess) this.proc.kill();
        else await this.notify('exit', null);
        await withTimeout(gone, 'the server to exit after shutdown and exit');
      }
    } finally {
      this.connection.dispose();
      if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill();
    }
  }

  private record(method: string, params: unknown, log = this.notifications): void {
    log.push({ method, params });
    if (method === 'textDocument/publishDiagnostics') {
      const p = params as PublishDiagnosticsParams;
      this.diagnostics.set(p.uri, p);
    }
    for (const w of [...this.waiters]) if (w.check()) this.waiters.delete(w);
  }
}

/** Removes a temp directory made by copyExamples. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
