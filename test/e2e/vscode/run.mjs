// Real VS Code end-to-end test: the packaged extension in code-server, driven through Debian's
// headless Chromium with playwright-core, on a temp copy of examples/. Started by
// scripts/test-vscode.sh (npm run test:vscode), which installs the tools and passes their paths in
// LOCKSET_E2E_* variables. Every wait is for a selector or a condition, with a timeout; a step that
// times out fails the run with its name. code-server and Chromium each run in their own process
// group (a new session, setsid(2)) and are killed by group in `finally`, whatever happened.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run this through scripts/test-vscode.sh (npm run test:vscode)`);
  return v;
};
const vsix = env('LOCKSET_E2E_VSIX');
const codeServer = env('LOCKSET_E2E_CODE_SERVER');
const node24 = env('LOCKSET_E2E_NODE24');
const { chromium } = createRequire(import.meta.url)(env('LOCKSET_E2E_PLAYWRIGHT'));
const chromiumPath = process.env.LOCKSET_E2E_CHROMIUM ?? '/usr/bin/chromium';
const keep = process.env.LOCKSET_E2E_KEEP === '1';

const STEP_TIMEOUT = 30_000; // per step; a healthy step takes well under 5 s
const STARTUP_TIMEOUT = 60_000; // code-server start, workbench load, extension install

const results = join(repo, 'test-results', 'vscode');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const t0 = Date.now();
const secs = (since) => ((Date.now() - since) / 1000).toFixed(1);
const runLog = join(results, 'e2e.log');
const log = (msg) => {
  process.stdout.write(`vscode e2e: ${msg}\n`);
  writeFileSync(runLog, `${new Date().toISOString()} ${msg}\n`, { flag: 'a' });
};

// ---------------------------------------------------------------- processes, by process group

/** @type {Map<number, string>} pgid -> name, for cleanup */
const groups = new Map();

/** Starts cmd as the leader of a new session and process group; output goes to logFile and is kept for waitForOutput. */
function startGroup(name, cmd, args, opts) {
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { name, child, output: '', exited: null, listeners: new Set() };
  if (child.pid) groups.set(child.pid, name);
  const logFile = join(opts.logDir, `${name}.log`);
  writeFileSync(logFile, '');
  const onData = (buf) => {
    const s = buf.toString();
    proc.output += s;
    writeFileSync(logFile, s, { flag: 'a' });
    for (const l of proc.listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  proc.done = new Promise((res) => {
    child.on('error', (err) => { proc.exited = { err }; for (const l of proc.listeners) l(); res(proc.exited); });
    child.on('exit', (code, signal) => { proc.exited = { code, signal }; for (const l of proc.listeners) l(); res(proc.exited); });
  });
  return proc;
}

/** Resolves with the match once the process has printed something matching re. */
function waitForOutput(proc, re, timeout, what) {
  return new Promise((res, rej) => {
    const check = () => {
      const m = proc.output.match(re);
      if (m) return finish(null, m);
      if (proc.exited) return finish(new Error(`${proc.name} exited (${JSON.stringify(proc.exited)}) before ${what}; output:\n${proc.output.slice(-3000)}`));
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeout} ms waiting for ${what}; ${proc.name} output:\n${proc.output.slice(-3000)}`)), timeout);
    const finish = (err, m) => {
      clearTimeout(timer);
      proc.listeners.delete(check);
      if (err) rej(err); else res(m);
    };
    proc.listeners.add(check);
    check();
  });
}

/** Live (non-zombie) members of process group pgid, from /proc. */
function groupMembers(pgid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat;
    try { stat = readFileSync(`/proc/${d}/stat`, 'utf8'); } catch { continue; }
    // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(d));
  }
  return out;
}

async function waitUntil(cond, timeout, what, interval = 50) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** kill -- -PGID: TERM, then KILL whatever is left; reports a group that will not die. */
async function killGroup(pgid, name) {
  const signal = (sig) => { try { process.kill(-pgid, sig); } catch (e) { if (e.code !== 'ESRCH') throw e; } };
  if (!groupMembers(pgid).length) return;
  signal('SIGTERM');
  try {
    await waitUntil(() => groupMembers(pgid).length === 0, 5000, `${name} to exit`);
  } catch {
    signal('SIGKILL');
    await waitUntil(() => groupMembers(pgid).length === 0, 5000, `${name} to die after SIGKILL`).catch(() => {
      log(`WARNING: process group ${pgid} (${name}) still has members ${groupMembers(pgid).join(' ')}`);
    });
  }
}

async function cleanup() {
  for (const [pgid, name] of [...groups].reverse()) {
    await killGroup(pgid, name);
    groups.delete(pgid);
  }
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: cleaning up`);
    cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- the test

const tmp = mkdtempSync(join(tmpdir(), 'lockset-vscode-e2e-'));
const workspace = join(tmp, 'examples');
const userData = join(tmp, 'user-data');
const extensions = join(tmp, 'extensions');
const logDir = join(tmp, 'logs');
for (const d of [userData, extensions, logDir, join(tmp, 'xdg/config'), join(tmp, 'xdg/data'), join(tmp, 'xdg/cache'), join(tmp, 'xdg/state'), join(tmp, 'chromium')]) {
  mkdirSync(d, { recursive: true });
}
cpSync(join(repo, 'examples'), workspace, { recursive: true });
const httpGo = join(workspace, 'vmm/http.go');
// Step 9's goroutine dump: SIGQUIT of examples/cmd/minivm deadlocked on VM.lock and statsTable.mu (its frames'
// paths end in vmm/vm.go etc., at lines that exist; test/dump-source.test.ts checks what the server makes of it).
const dumpName = 'minivm-deadlock.txt';
cpSync(join(repo, 'test/e2e/vscode', dumpName), join(workspace, dumpName));
// Steps 16-22's quick fixes: the package fixes/ (test/e2e/fixes, which Neovim's test applies too), one finding per
// file; each file's <name>.go.golden, kept beside it in the repo, is the file after its preferred fix.
const fixesSrc = join(repo, 'test/e2e/fixes');
const fixesDir = join(workspace, 'fixes');
mkdirSync(fixesDir);
for (const f of readdirSync(fixesSrc).filter((f) => f.endsWith('.go'))) cpSync(join(fixesSrc, f), join(fixesDir, f));
// Steps 10-13's lock graph has a real project's size: beside the examples, a package `big` from the benchmark's
// seeded generator (scripts/bench/corpus.ts; same seed, same code every run), about 40 more lock classes.
const GEN_BYTES = 150_000, GEN_SEED = 3, MIN_LOCKS = 40;
{
  const corpus = join(repo, 'scripts/bench/corpus.ts');
  const gen = spawnSync(process.execPath, ['--import', 'tsx', '-e', `require(${JSON.stringify(corpus)}).generateOnePackage(${JSON.stringify(join(workspace, 'gen/big'))}, ${GEN_BYTES}, ${GEN_SEED})`], { cwd: repo, encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generating the big package failed: ${gen.stderr}`);
}

mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(join(userData, 'User/settings.json'), JSON.stringify({
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'files.autoSave': 'off',
  'editor.hover.delay': 200,
  'window.restoreWindows': 'none',
  // The client's trace of the LSP messages ("lockset (trace)" output channel, a log file): step 8 reads it to
  // know that the server has the new settings; on a failure its tail is printed with the other logs.
  'lockset.trace.server': 'messages',
}, null, 2));

const serverEnv = {
  ...process.env,
  PATH: `${dirname(node24)}:${process.env.PATH}`,
  XDG_CONFIG_HOME: join(tmp, 'xdg/config'),
  XDG_DATA_HOME: join(tmp, 'xdg/data'),
  XDG_CACHE_HOME: join(tmp, 'xdg/cache'),
  XDG_STATE_HOME: join(tmp, 'xdg/state'),
  VSCODE_RECONNECTION_GRACE_TIME: '5000',
};
delete serverEnv.ELECTRON_RUN_AS_NODE;
delete serverEnv.VSCODE_IPC_HOOK_CLI;
const common = ['--user-data-dir', userData, '--extensions-dir', extensions];

let page;
let currentStep = 'setup';
let passed = 0;

async function shot(name) {
  if (!page) return;
  await page.screenshot({ path: join(results, `${name}.png`) }).catch((e) => log(`(screenshot ${name} failed: ${e.message})`));
}

async function step(n, name, fn, timeout = STEP_TIMEOUT) {
  currentStep = `${n} ${name}`;
  const start = Date.now();
  page?.setDefaultTimeout(timeout);
  let timer;
  try {
    await Promise.race([
      fn(),
      new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`step timed out after ${timeout} ms`)), timeout + 1000); }),
    ]);
  } catch (e) {
    await shot(`${String(n).padStart(2, '0')}-FAILED-${slug(name)}`);
    throw e;
  } finally {
    clearTimeout(timer);
  }
  await shot(`${String(n).padStart(2, '0')}-${slug(name)}`);
  if (typeof n === 'number') passed++;
  log(`ok ${n} - ${name} (${secs(start)} s)`);
}
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A RegExp of literal text and lock class names: cls('takes ', 'VM.lock') matches "takes VM.lock" and, as lock
 * classes may be package-qualified, "takes vmm.VM.lock". Arguments alternate: text, class, text, class, ... */
const cls = (...parts) => new RegExp(parts.map((p, i) => (i % 2 ? `(?:vmm\\.)?${escapeRegExp(p)}` : p === '^' || p === '$' ? p : escapeRegExp(p))).join(''));
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** The active editor's geometry for one line: its text, the bounding box of `word` in it, and its warning and error squiggles. */
async function lineInfo(lineNumber, word) {
  return page.evaluate(([lineNumber, word]) => {
    const ed = document.querySelector('.editor-group-container.active .monaco-editor');
    if (!ed) return null;
    const num = [...ed.querySelectorAll('.margin-view-overlays .line-numbers')].find((e) => e.textContent.trim() === String(lineNumber));
    if (!num) return null;
    const top = num.getBoundingClientRect().top;
    const sameLine = (e) => Math.abs(e.getBoundingClientRect().top - top) < 2;
    const line = [...ed.querySelectorAll('.view-lines .view-line')].find(sameLine);
    if (!line) return null;
    const text = line.textContent.replace(/\u00a0/g, ' ');
    let wordBox = null;
    const at = text.indexOf(word);
    if (at >= 0) {
      // Walk the rendered text nodes to the word and measure it.
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let offset = 0;
      const range = document.createRange();
      let startSet = false;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const len = node.textContent.length;
        if (!startSet && at < offset + len) { range.setStart(node, at - offset); startSet = true; }
        if (startSet && at + word.length <= offset + len) { range.setEnd(node, at + word.length - offset); break; }
        offset += len;
      }
      const r = range.getBoundingClientRect();
      wordBox = { x: r.left, y: r.top, width: r.width, height: r.height };
    }
    const squiggles = [...ed.querySelectorAll('.squiggly-warning, .squiggly-error')].filter(sameLine).map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.left, y: r.top, width: r.width, height: r.height };
    });
    return { text, wordBox, squiggles };
  }, [lineNumber, word]);
}

/** The text of the active editor's rendered lines, spaces normalised. */
async function editorText() {
  return page.evaluate(() => [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines .view-line')]
    .map((l) => l.textContent.replace(/\u00a0/g, ' ')).join('\n'));
}

async function goToLine(lineNumber, column) {
  // Under load, a Go to Line can land before the editor that just opened has taken focus, and leave the cursor
  // where it was, or its picker can miss the typed text: the status bar's "Ln N, Col M" says where the cursor is,
  // and the whole jump is tried again (at most 3 times), each wait bounded so that a stuck picker is closed and
  // retried within the step's time rather than waited on until it runs out.
  for (let attempt = 1; ; attempt++) {
    const input = page.locator('.quick-input-widget input');
    try {
      // The keyboard must be in the editor: after a webview (the lock graph), Ctrl+G can go to the webview's frame.
      await page.locator('.editor-group-container.active .monaco-editor textarea').first().focus({ timeout: 4000 }).catch(() => {});
      await withFocus('Control+G', input);
      await input.fill(`:${lineNumber}:${column}`);
      // Enter only acts once the picker has turned the text into its "go to line" item.
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: `line ${lineNumber}` }).first().waitFor({ state: 'visible', timeout: 4000 });
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 4000 });
    } catch (e) {
      if (attempt === 3) throw e;
      await page.keyboard.press('Escape');
      continue;
    }
    const at = page.locator('.statusbar-item', { hasText: `Ln ${lineNumber}, Col ${column}` }).first();
    const there = await at.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
    if (there || attempt === 3) return;
  }
}

/** Puts the cursor inside `word` on line lineNumber of the active editor (the line must be rendered). Go to
 * Line counts columns visually (a tab is tabSize columns), as the rendered line text does. */
async function cursorOn(lineNumber, word) {
  const info = await lineInfo(lineNumber, word);
  const at = info?.text.indexOf(word) ?? -1;
  if (at < 0) throw new Error(`line ${lineNumber} has no ${word}: ${info?.text}`);
  const column = at + 2; // 1-based, one character into the word
  await goToLine(lineNumber, column);
  await page.locator('.statusbar-item', { hasText: `Ln ${lineNumber}, Col ${column}` }).first().waitFor({ state: 'visible' });
}

/** A code lens of the active editor, by its text. */
const codeLens = (text) => page.locator('.editor-group-container.active .monaco-editor .codelens-decoration', { hasText: text }).first();

/** Runs a command by its palette label: F1, type the label, click the row whose label is exactly it. With
 * `{ then: 'pick' }`, returns while the command's own quick pick is up instead of waiting for the widget to close. */
async function runCommand(label, { then = 'close' } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${label}`);
  const exact = new RegExp(`^${escapeRegExp(label)}$`);
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) });
  await row.first().waitFor({ state: 'visible' });
  await row.first().click();
  if (then === 'close') await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Presses a workbench key and waits for what it opens. A webview opened by an earlier step (the lock graph) may
 * hold the keyboard focus, or the page itself (then Chromium takes Ctrl+G as Find Next): give the active editor
 * the focus through its tab, which no webview covers, and press again.
 */
async function withFocus(key, opened) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press(key);
    if (await opened.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) return;
    await page.keyboard.press('Escape');
    const tab = page.locator('.editor-group-container.active .tab.active').first();
    if (await tab.count()) await tab.click({ timeout: 5000 }).catch(() => {});
  }
  // A last press, waited for as long as the step allows: a slow machine only takes longer, it does not fail here.
  await page.keyboard.press(key);
  await opened.waitFor({ state: 'visible' });
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its tab. */
async function openFile(relPath) {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  const input = page.locator('.quick-input-widget input');
  await withFocus('Control+P', input);
  await input.fill(relPath);
  // Click the file's own row: Enter may act on the first row of the list shown before the filter applied (the
  // most recent file), which another step left open.
  const dir = relPath.includes('/') ? relPath.slice(0, relPath.lastIndexOf('/')) : '';
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: dir })
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
  await page.locator('.tab.active', { hasText: name }).waitFor({ state: 'visible' });
}

/** The "lockset (trace)" output channel's log file, as far as written (empty until the channel exists). */
function traceLog() {
  const f = findExtHostLogs(join(userData, 'logs')).find((p) => p.endsWith('lockset (trace).log'));
  return f ? readFileSync(f, 'utf8') : '';
}

/** The inlay hints of one rendered line of the active editor: injected text, in spans that carry a class of
 * their own (`dyn-rule-N`, or a class naming inlay hints), unlike the `mtkN` spans of the line's tokens. */
async function inlayHintsOn(lineNumber) {
  return page.evaluate((lineNumber) => {
    const ed = document.querySelector('.editor-group-container.active .monaco-editor');
    const num = ed && [...ed.querySelectorAll('.margin-view-overlays .line-numbers')].find((e) => e.textContent.trim() === String(lineNumber));
    if (!num) return null;
    const top = num.getBoundingClientRect().top;
    const line = [...ed.querySelectorAll('.view-lines .view-line')].find((e) => Math.abs(e.getBoundingClientRect().top - top) < 2);
    if (!line) return null;
    const hints = [...line.querySelectorAll('span')].filter((e) => e.children.length === 0 && /dyn-rule|inlay/i.test(e.className)).map((e) => e.textContent.replace(/\u00a0/g, ' ').trim());
    return { text: line.textContent.replace(/\u00a0/g, ' '), hints };
  }, lineNumber);
}

/** The marker rows of the Problems panel. */
const problemRows = () => page.locator('.part.panel .markers-panel .monaco-list-row');

async function openProblems() {
  const panel = page.locator('.part.panel .markers-panel');
  // Ctrl+Shift+M toggles: press it only when the Problems panel is not already showing and focused.
  if (!(await panel.isVisible())) await page.keyboard.press('Control+Shift+M');
  await panel.waitFor({ state: 'visible' });
  return panel;
}

async function setProblemsFilter(text) {
  const filter = page.locator('.part.panel .viewpane-filter input');
  await filter.waitFor({ state: 'visible' });
  await filter.fill(text);
}

/** Steps 16-22: per file of fixes/, the diagnostic's line (by its text), a word of it, the check, and the preferred
 * fix's id and title. The fixes are those of test/fixtures/fixes/ (take_lock, twin, unlock_return, defer_unlock,
 * send_after_unlock, double_lock_twin, guarded_access), each golden-tested there. */
const QUICK_FIXES = [
  { n: 16, file: 'take.go', text: 'v := s.lookup(k)', word: 'lookup', code: 'missing-lock-annotation', id: 'take-lock-here', title: 'Take s.mu around this statement' },
  { n: 17, file: 'twin.go', text: 'return ix.find("total")', word: 'find', code: 'missing-lock-annotation', id: 'call-exported-twin', title: 'Call Find, which takes ix.mu itself' },
  { n: 18, file: 'unlock.go', text: 'return errMissing', word: 'return', code: 'missing-unlock', id: 'unlock-before-exit', title: 'Add r.mu.Unlock() before this return' },
  { n: 19, file: 'reset.go', text: /^}$/, last: true, word: '}', code: 'missing-unlock', id: 'defer-the-unlock', title: 'Defer c.mu.Unlock() after the Lock' },
  { n: 20, file: 'send.go', text: 'h.events <- ev', word: 'events', code: 'blocking-under-lock', id: 'move-send-after-unlock', title: 'Move the send after h.mu.Unlock()' },
  { n: 21, file: 'relock.go', text: 'if FindRow(id) != name {', word: 'FindRow', code: 'double-lock', id: 'call-internal-twin', title: 'Call findRow, which assumes rowLock is held' },
  { n: 22, file: 'guard.go', text: 'g.level = 0', word: 'level', code: 'unguarded-access', id: 'lock-around-access', title: 'Lock g.mu around this write' },
];

/** The squiggles (errors, warnings, information) in the active editor; the fixes' files are short, all rendered. */
const squiggleCount = () => page.locator('.editor-group-container.active .monaco-editor').first()
  .locator('.squiggly-error, .squiggly-warning, .squiggly-info').count();

/** lockset's status bar item ("$(lock) 1 error, 9 warnings"): the workspace's counts, once it is idle. */
async function locksetCounts() {
  const text = await page.locator('.statusbar-item').filter({ has: page.locator('.codicon-lock') }).first().textContent();
  const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(text ?? '')?.[1] ?? 0);
  return { errors: count('error'), warnings: count('warning'), info: count('info') };
}

/**
 * One quick fix, as a user applies it: the cursor on the diagnostic, Ctrl+. lists the fix (screenshot NNa-...), and
 * Auto Fix (which applies the preferred fix, and only when there is one) applies it. The saved file must be the
 * golden, the file's squiggles all gone, and the workspace's count one less, none of its counts higher.
 */
async function quickFix({ n, file, text, last, word, code, id, title }) {
  const path = join(fixesDir, file);
  const lines = readFileSync(path, 'utf8').split('\n');
  const match = (l) => (typeof text === 'string' ? l.includes(text) : text.test(l));
  const lineNumber = (last ? lines.findLastIndex(match) : lines.findIndex(match)) + 1;
  if (lineNumber < 1) throw new Error(`fixes/${file} has no line ${text}`);
  await openFile(`fixes/${file}`); // short: every line is rendered
  await waitUntil(async () => (await lineInfo(lineNumber, word))?.squiggles.length, STEP_TIMEOUT, `the ${code} squiggle on line ${lineNumber}`);
  const before = await waitUntil(async () => { const c = await locksetCounts(); return c.errors + c.warnings + c.info > 0 && c; }, STEP_TIMEOUT, 'lockset\'s counts in the status bar');
  const info = await lineInfo(lineNumber, word);
  const at = info.text.indexOf(word);
  const column = at + (word.length > 1 ? 2 : 1);
  await goToLine(lineNumber, column);
  await page.locator('.statusbar-item', { hasText: `Ln ${lineNumber}, Col ${column}` }).first().waitFor({ state: 'visible' });
  // The save of the step before re-analyses the package; diagnostics published meanwhile may close the menu as
  // it opens: withFocus presses again.
  const offered = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  await withFocus('Control+.', offered);
  await shot(`${n}a-quick-fix-menu-${slug(id)}-${slug(file)}`);
  await page.keyboard.press('Escape');
  await offered.waitFor({ state: 'hidden' });
  // "Auto Fix..." applies the preferred quick fix at the cursor when there is exactly one (else it lists them).
  await runCommand('Auto Fix...');
  if (!(await page.locator('.tab.active.dirty').waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false))) {
    // The same race: the code actions were being computed again. Once more, then as long as the step allows.
    await runCommand('Auto Fix...');
    await page.locator('.tab.active.dirty').waitFor({ state: 'visible' });
  }
  await page.keyboard.press('Control+S');
  await page.locator('.tab.active.dirty').waitFor({ state: 'detached' });
  const golden = readFileSync(join(fixesSrc, `${file}.golden`), 'utf8');
  await waitUntil(() => readFileSync(path, 'utf8') === golden, STEP_TIMEOUT, `fixes/${file} on disk to be ${file}.golden`);
  const after = await waitUntil(async () => {
    const c = await locksetCounts();
    const fewer = before.errors + before.warnings + before.info - (c.errors + c.warnings + c.info);
    return (await squiggleCount()) === 0 && fewer === 1 && c.errors <= before.errors && c.warnings <= before.warnings && c.info <= before.info && c;
  }, STEP_TIMEOUT, `no squiggle left in fixes/${file} and lockset's count one less than ${JSON.stringify(before)}`).catch(async (e) => {
    throw new Error(`${e.message}; now ${JSON.stringify(await locksetCounts())}, ${await squiggleCount()} squiggles`);
  });
  log(`  ${file}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
}

let failure;
const timing = { startup: 0, steps: 0 };
try {
  // ---- setup: install the vsix, start code-server and Chromium
  await step('0a', 'install the vsix into a fresh extensions dir', async () => {
    const inst = startGroup('install-extension', node24, [codeServer, ...common, '--install-extension', vsix], { env: serverEnv, cwd: tmp, logDir });
    let timer;
    const res = await Promise.race([inst.done, new Promise((r) => { timer = setTimeout(() => r({ timeout: true }), STARTUP_TIMEOUT); })]);
    clearTimeout(timer);
    await killGroup(inst.child.pid, inst.name);
    groups.delete(inst.child.pid);
    if (res.timeout || res.code !== 0) throw new Error(`--install-extension failed (${JSON.stringify(res)}):\n${inst.output}`);
    const installed = readdirSync(extensions).filter((d) => d.startsWith('lockset.lockset-'));
    if (!installed.length) throw new Error(`the extension is not in ${extensions}: ${readdirSync(extensions).join(', ')}`);
  }, STARTUP_TIMEOUT);

  let url;
  const server = startGroup('code-server', node24, [
    codeServer, ...common,
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--reconnection-grace-time', '5', // code-server sets VSCODE_RECONNECTION_GRACE_TIME from this flag (default 3 h)
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    workspace,
  ], { env: serverEnv, cwd: tmp, logDir });
  await step('0b', 'start code-server on 127.0.0.1', async () => {
    const m = await waitForOutput(server, /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\/?/, STARTUP_TIMEOUT, 'code-server to listen');
    url = `${m[1]}/?folder=${encodeURIComponent(workspace)}`;
  }, STARTUP_TIMEOUT);

  let browser;
  await step('0c', 'start Chromium and open the workspace', async () => {
    const chrome = startGroup('chromium', chromiumPath, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0',
      `--user-data-dir=${join(tmp, 'chromium')}`, '--window-size=1600,1000', 'about:blank',
    ], { env: { ...process.env, HOME: tmp, XDG_CONFIG_HOME: join(tmp, 'xdg/config'), XDG_CACHE_HOME: join(tmp, 'xdg/cache') }, cwd: tmp, logDir });
    const m = await waitForOutput(chrome, /DevTools listening on (ws:\/\/\S+)/, STARTUP_TIMEOUT, 'Chromium DevTools');
    browser = await chromium.connectOverCDP(m[1], { timeout: STARTUP_TIMEOUT });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    page.setDefaultTimeout(STARTUP_TIMEOUT);
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
    // The explorer lists the copy: the workbench is connected to the server and the folder is open.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'vmm' }).first().waitFor({ state: 'visible' });
  }, STARTUP_TIMEOUT);
  timing.startup = Date.now() - t0;
  const stepsStart = Date.now();

  await step(1, 'squiggle at the findVM call in vmm/http.go line 50, code lens on viewOf', async () => {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('vmm/http.go');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'http.go' }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'http.go' }).waitFor({ state: 'visible' });
    await goToLine(50, 13);
    const info = await waitUntil(async () => {
      const i = await lineInfo(50, 'findVM');
      return i?.squiggles.length ? i : null;
    }, STARTUP_TIMEOUT, 'a .squiggly-warning on line 50');
    if (!info.text.includes('vms.findVM(')) throw new Error(`line 50 is not the findVM call: ${info.text}`);
    const w = info.wordBox;
    const covers = info.squiggles.some((s) => s.x <= w.x + 1 && s.x + s.width >= w.x + w.width - 1);
    if (!covers) throw new Error(`no squiggle covers findVM (${JSON.stringify(w)}): ${JSON.stringify(info.squiggles)}`);
    await codeLens(cls('takes ', 'VM.lock')).waitFor({ state: 'visible' });
    // The first diagnostics wait for the extension's activation and the server's first analysis of the workspace.
  }, STARTUP_TIMEOUT);

  await step(2, 'hover at findVM (Show or Focus Hover) shows the diagnostic and the contract', async () => {
    // Keyboard, not the mouse: with the cursor on findVM, the editor's "Show or Focus Hover"
    // command opens the same hover at the cursor, deterministically. The hover holds the marker (the
    // diagnostic with its code) and lockset's hover (the contract and where it came from).
    await cursorOn(50, 'findVM');
    await codeLens(cls('takes ', 'VM.lock')).waitFor({ state: 'visible' }); // for the screenshot (the README's)
    await runCommand('Show or Focus Hover');
    const hover = page.locator('.monaco-hover').filter({ hasText: 'findVM assumes vmLock is held' });
    await hover.first().waitFor({ state: 'visible' });
    await hover.filter({ hasText: 'missing-lock-annotation' }).first().waitFor({ state: 'visible' });
  });

  await step(3, 'Problems panel lists missing-lock-annotation', async () => {
    await page.keyboard.press('Escape');
    await page.locator('.monaco-hover').filter({ hasText: 'findVM assumes vmLock is held' }).first().waitFor({ state: 'hidden' });
    await openProblems();
    await setProblemsFilter('http.go');
    await problemRows().filter({ hasText: 'missing-lock-annotation' }).filter({ hasText: 'findVM' }).first().waitFor({ state: 'visible' });
  });

  await step(4, 'quick fix adds the // LOCK: comment and the file is saved', async () => {
    await page.keyboard.press('Control+1');
    await cursorOn(50, 'findVM');
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Add "// LOCK: vmLock is held by the caller."' });
    await fix.first().waitFor({ state: 'visible' });
    await fix.first().click();
    await waitUntil(async () => (await editorText()).includes('// LOCK: vmLock is held by the caller.'), STEP_TIMEOUT, 'the comment in the editor');
    await page.keyboard.press('Control+S');
    await page.locator('.tab.active.dirty').waitFor({ state: 'detached' });
    await waitUntil(() => {
      const lines = readFileSync(httpGo, 'utf8').split('\n');
      const call = lines.findIndex((l) => l.includes('vms.findVM('));
      return call > 0 && lines[call - 1].trim() === '// LOCK: vmLock is held by the caller.';
    }, STEP_TIMEOUT, `vmm/http.go on disk to have "// LOCK: vmLock is held by the caller." above the findVM call`);
    // And the server takes the note: the squiggle on the call (now line 51) goes away.
    await waitUntil(async () => {
      const i = await lineInfo(51, 'findVM');
      return i && i.text.includes('vms.findVM(') && i.squiggles.length === 0;
    }, STEP_TIMEOUT, 'the squiggle at findVM to go after the fix');
  });

  await step(5, 'lock-order cycle in vmm/vm.go lists its related locations in Problems', async () => {
    await openProblems();
    await setProblemsFilter('lock-order-cycle');
    await problemRows().filter({ hasText: cls('lock order cycle ', 'VM.lock') }).filter({ hasText: 'lock-order-cycle' }).first().waitFor({ state: 'visible' });
    await problemRows().filter({ hasText: 'stats.go' }).filter({ hasText: cls('sample takes ', 'VM.lock', ' here while holding ', 'statsTable.mu') }).first().waitFor({ state: 'visible' });
  });

  await step(6, 'Lock Explorer ("Locks" in the Explorer) lists the lock classes and expands VM.lock', async () => {
    await page.keyboard.press('Control+Shift+E');
    const pane = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header h3.title', { hasText: /^Locks$/ }) });
    const header = pane.locator('.pane-header');
    await header.waitFor({ state: 'visible' });
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    // The view needs the side bar's height (the package level, then VM.lock's children): the rows it cannot show
    // are not rendered at all. Collapse the Explorer's other views (the folder's), by title, as step 9 does.
    const other = (title) => page.locator('.part.sidebar .pane-header').filter({ has: page.locator('h3.title', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) }).first();
    for (const title of (await page.locator('.part.sidebar .pane-header[aria-expanded="true"] h3.title').allTextContents()).filter((t) => t !== 'Locks')) {
      if ((await other(title).getAttribute('aria-expanded')) === 'true') await other(title).click();
      await other(title).and(page.locator('[aria-expanded="false"]')).waitFor({ state: 'visible' });
    }
    const row = (label) => pane.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: cls('^', label, '$') }) });
    // With locks in several packages the tree groups them by package ("vmm  4 locks · 2 with problems"): open
    // those, except the generated package `big` (its 200 locks would push the examples' out of the list) and the
    // quick fixes' package `fixes`.
    const pkgRows = pane.locator('.monaco-list-row[aria-level="1"]').filter({ hasText: /\d+ locks?( · |$)/ })
      .filter({ hasNot: page.locator('.label-name', { hasText: /^(?:big|fixes)$/ }) });
    await row('VM.lock').or(pkgRows).first().waitFor({ state: 'visible' });
    for (const r of await pkgRows.all()) {
      if ((await r.getAttribute('aria-expanded')) === 'false') await r.locator('.monaco-tl-twistie').click();
    }
    for (const name of ['vmm.cmdLock', 'vmm.vmLock', 'statsTable.mu']) await row(name).first().waitFor({ state: 'visible' });
    const vmLock = row('VM.lock').filter({ hasText: 'in a lock-order cycle' }).first();
    await vmLock.waitFor({ state: 'visible' });
    // The twistie expands; a click on the label would run the item's command (open the declaration).
    if ((await vmLock.getAttribute('aria-expanded')) !== 'true') await vmLock.locator('.monaco-tl-twistie').click();
    await pane.locator('.monaco-list-row[aria-expanded="true"]').filter({ hasText: 'VM.lock' }).first().waitFor({ state: 'visible' });
    await row('taken in').first().waitFor({ state: 'visible' });
  });

  await step(7, 'lockset: Show Lock Order Graph opens a webview with the lock classes as nodes', async () => {
    await runCommand('lockset: Show Lock Order Graph');
    await page.locator('.tab', { hasText: 'Lock Order Graph' }).first().waitFor({ state: 'visible' });
    // A webview is an iframe (the host) holding another (#active-frame, the extension's HTML).
    const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const node = (id, kind = '') => view.locator(`svg .node${kind}[data-id="${id}"], svg .node${kind}[data-id="vmm.${id}"]`).first();
    for (const id of ['vmm.cmdLock', 'vmm.vmLock', 'VM.lock', 'statsTable.mu']) await node(id).waitFor({ state: 'visible' });
    await node('VM.lock', '.cycle').waitFor({ state: 'visible' });
    await view.locator('li', { hasText: cls('', 'VM.lock', ' → ', 'statsTable.mu', ' → ', 'VM.lock') }).first().waitFor({ state: 'visible' });
    // For the screenshot: the graph alone, full width, until all of it is in view.
    await runCommand('View: Hide Panel');
    await page.locator('.part.panel').waitFor({ state: 'hidden' });
    await runCommand('View: Maximize Editor Group and Hide Side Bars');
    await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
    await waitUntil(async () => {
      const svg = await view.locator('svg.lockset-graph').boundingBox();
      return svg && svg.x >= 0 && svg.x + svg.width <= 1600;
    }, STEP_TIMEOUT, 'the whole graph to be in view');
  });

  await step(8, 'inlay hints: with lockset.inlayHints.heldLocks on, vmm/vms.go shows the held set after Lock() and at findVM', async () => {
    // Turn the setting on as a user may, in the folder's .vscode/settings.json, and wait until the server has it:
    // the trace shows the client's didChangeConfiguration, its answer to the server's workspace/configuration,
    // then a lockset/status that the server sends after re-reading the settings. Only then open vms.go. (The
    // server does not ask VS Code to refresh inlay hints when the setting changes, so an editor open before has
    // none until it is edited; vms.go has not been opened by the steps before.)
    const seen = traceLog().length;
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'lockset.inlayHints.heldLocks': true }, null, 2));
    await waitUntil(() => /Sending notification 'workspace\/didChangeConfiguration'[\s\S]*Sending response 'workspace\/configuration[\s\S]*Received notification 'lockset\/status'/
      .test(traceLog().slice(seen)), STEP_TIMEOUT / 2, 'the server to re-read the settings (didChangeConfiguration, workspace/configuration, lockset/status in the trace)');
    await openFile('vmm/vms.go');
    await goToLine(69, 1);
    // Launch: line 68 `vmLock.Lock()` ⟨vmLock⟩, line 69 `if v.findVM(name)⟨vmLock⟩ != nil {`.
    const held = /^⟨(?:vmm\.)?vmLock⟩$/;
    const [l68, l69] = await waitUntil(async () => {
      const both = [await inlayHintsOn(68), await inlayHintsOn(69)];
      return both.every((l) => l?.hints.some((h) => held.test(h))) ? both : null;
    }, STEP_TIMEOUT / 2, 'the inlay hint ⟨vmLock⟩ on lines 68 and 69');
    if (!/^\s*vmLock\.Lock\(\)\s*⟨/.test(l68.text)) throw new Error(`line 68 is not vmLock.Lock() followed by the hint: ${l68.text}`);
    // The hint's left padding is a margin, not a character: no blank between the call and the hint.
    if (!cls('if v.findVM(name)⟨', 'vmLock', '⟩ != nil {').test(l69.text.replace(/\s+/g, ' ').replace(/ ⟨/g, '⟨'))) throw new Error(`the hint is not after the findVM call on line 69: ${l69.text}`);
  });

  await step(9, 'goroutine dump: "From the active editor" reads minivm-deadlock.txt into the Goroutines view, a frame opens vm.go:128', async () => {
    await openFile(dumpName);
    await runCommand('lockset: Open Goroutine Dump', { then: 'pick' });
    const first = page.locator('.quick-input-widget .monaco-list-row[data-index="0"]');
    await first.filter({ hasText: 'From the active editor' }).filter({ hasText: dumpName }).waitFor({ state: 'visible' });
    for (const other of ['From the clipboard', 'From a file…']) await page.locator('.quick-input-widget .monaco-list-row', { hasText: other }).first().waitFor({ state: 'visible' });
    await first.click();
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    const pane = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header h3.title', { hasText: /^Goroutines$/ }) });
    await pane.locator('.pane-header[aria-expanded="true"]').waitFor({ state: 'visible' });
    // The command has focused the Goroutines view (in the Explorer); give it the side bar's height by collapsing
    // the other views, by title (the folder's, Locks).
    const header = (title) => page.locator('.part.sidebar .pane-header').filter({ has: page.locator('h3.title', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) }).first();
    const titles = await page.locator('.part.sidebar .pane-header[aria-expanded="true"] h3.title').allTextContents();
    for (const title of titles.filter((t) => t !== 'Goroutines')) {
      if ((await header(title).getAttribute('aria-expanded')) === 'true') await header(title).click();
      await header(title).and(page.locator('[aria-expanded="false"]')).waitFor({ state: 'visible' });
    }
    const row = (label) => pane.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) });
    await row(/^deadlock: goroutines 7, 21$/).filter({ hasText: cls('', 'VM.lock', ' ⇄ ', 'statsTable.mu') }).first().waitFor({ state: 'visible' });
    for (const group of ['lock at stats.go:68', 'lock at vm.go:128', 'lock at command.go:47', 'lock at http.go:35']) {
      await row(new RegExp(`^${escapeRegExp(group)}$`)).filter({ hasText: '1 goroutine' }).first().waitFor({ state: 'visible' });
    }
    const g21 = row(/^goroutine 21$/).filter({ hasText: cls('waits for ', 'statsTable.mu', ' · holds ', 'VM.lock') }).first();
    await g21.waitFor({ state: 'visible' });
    if ((await g21.getAttribute('aria-expanded')) !== 'true') await g21.locator('.monaco-tl-twistie').click();
    const kill = row(/^vmm\.\(\*VM\)\.Kill$/).filter({ hasText: cls('vm.go:128 · holds ', 'VM.lock') }).first();
    await kill.waitFor({ state: 'visible' });
    if (/not in the workspace/.test(await kill.textContent())) throw new Error(`the Kill frame is not mapped: ${await kill.textContent()}`);
    await row(/^http\.\(\*conn\)\.serve$/).filter({ hasText: 'not in the workspace' }).first().waitFor({ state: 'visible' });
    // The frame maps to the workspace's vmm/vm.go: clicking it opens the file at line 128.
    await kill.locator('.label-name').click();
    await page.locator('.tab.active', { hasText: 'vm.go' }).waitFor({ state: 'visible' });
    await page.locator('.statusbar-item', { hasText: /Ln 128, Col \d+/ }).first().waitFor({ state: 'visible' });
    const info = await lineInfo(128, 'stats.mu.Lock()');
    if (!info?.wordBox) throw new Error(`vm.go line 128 is not stats.mu.Lock(): ${info?.text}`);
  });

  // ---- the lock graph at a real project's size (the examples and the generated package `big`)
  /** The lock graph's page inside the webview's two iframes. */
  const graph = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const graphStatus = (re) => graph().locator('#status').filter({ hasText: re }).waitFor({ state: 'visible' });
  /** The drawn locks' ids, and how many of their boxes lie (partly) outside the stage. */
  const drawn = () => graph().locator('#stage').evaluate((stage) => {
    const s = stage.getBoundingClientRect();
    const nodes = [...stage.querySelectorAll('svg .node')];
    const outside = nodes.filter((n) => { const b = n.querySelector('rect').getBoundingClientRect(); return b.left < s.left - 1 || b.top < s.top - 1 || b.right > s.right + 1 || b.bottom > s.bottom + 1; });
    return { ids: nodes.map((n) => n.dataset.id), focus: nodes.filter((n) => n.classList.contains('focus')).map((n) => n.dataset.id), outside: outside.length, viewBox: stage.querySelector('svg')?.getAttribute('viewBox') };
  });
  const sameIds = (ids, want) => ids.length === want.length && want.every((w) => ids.some((id) => cls('^', w, '$').test(id)));

  await step(10, 'lock graph focus: with the cursor on vmLock.Lock() in vms.go, Show Lock Order Graph opens on its neighbourhood, its sites in the side list', async () => {
    // One editor group again (step 7 maximized one): the graph is then revealed in it, and step 14's site opens beside.
    await runCommand('View: Single Column Editor Layout');
    await openFile('vmm/vms.go');
    await goToLine(68, 1);
    await cursorOn(68, 'vmLock');
    await runCommand('lockset: Show Lock Order Graph');
    await page.locator('.tab', { hasText: 'Lock Order Graph' }).first().waitFor({ state: 'visible' });
    await graphStatus(new RegExp(`^Around (?:vmm\\.)?vmLock: 3 of \\d+ locks$`));
    const total = Number((await graph().locator('#status').textContent()).match(/of (\d+) locks/)[1]);
    if (total < MIN_LOCKS) throw new Error(`the workspace's graph has ${total} lock classes, fewer than ${MIN_LOCKS}`);
    const { ids, focus, outside } = await drawn();
    if (!sameIds(ids, ['vmLock', 'cmdLock', 'VM.lock'])) throw new Error(`the neighbourhood of vmLock is not vmLock, cmdLock and VM.lock: ${ids}`);
    if (!sameIds(focus, ['vmLock'])) throw new Error(`the lock drawn as the focus is ${focus}, not vmLock`);
    if (outside) throw new Error(`${outside} locks are drawn outside the panel`);
    await graph().locator('#sites h3', { hasText: cls('^', 'vmLock', '$') }).waitFor({ state: 'visible' });
    await graph().locator('#sites button.site').first().waitFor({ state: 'visible' });
    await graph().locator('#whole:not([disabled])').waitFor({ state: 'visible' });
  });

  await step(11, 'lock graph zoom: the whole graph (40+ locks) fits the panel; zoom in, wheel, drag, then Fit brings every lock back into view', async () => {
    await graph().locator('#whole').click();
    await graphStatus(/^All \d+ locks$/);
    const fitted = await drawn();
    if (fitted.ids.length < MIN_LOCKS) throw new Error(`the whole graph draws ${fitted.ids.length} locks, fewer than ${MIN_LOCKS}`);
    if (fitted.outside) throw new Error(`${fitted.outside} of ${fitted.ids.length} locks are outside the panel after the whole graph was shown`);
    for (let i = 0; i < 4; i++) await graph().locator('#zoom-in').click();
    const zoomed = await drawn();
    if (zoomed.outside === 0) throw new Error(`zooming in left every lock in view (viewBox ${zoomed.viewBox})`);
    const stage = await graph().locator('#stage').boundingBox();
    await page.mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 2);
    await page.mouse.wheel(0, 400);
    await waitUntil(async () => (await drawn()).viewBox !== zoomed.viewBox, STEP_TIMEOUT / 3, 'the wheel to zoom');
    const wheeled = (await drawn()).viewBox;
    await page.mouse.down();
    await page.mouse.move(stage.x + stage.width / 2 - 120, stage.y + stage.height / 2 - 40, { steps: 5 });
    await page.mouse.up();
    await waitUntil(async () => (await drawn()).viewBox !== wheeled, STEP_TIMEOUT / 3, 'dragging to pan');
    await graph().locator('#fit').click();
    await waitUntil(async () => (await drawn()).outside === 0, STEP_TIMEOUT / 3, 'Fit to bring every lock into view');
    if ((await drawn()).viewBox !== fitted.viewBox) throw new Error('Fit did not return to the fitted view');
  });

  await step(12, 'lock graph filter and collapse: cycles and violations only shows the cycle; a package collapses into one node and expands again', async () => {
    await graph().locator('#cycles').check();
    await graphStatus(/^Cycles and order violations: 2 of \d+ locks$/);
    const cyc = await drawn();
    if (!sameIds(cyc.ids, ['VM.lock', 'statsTable.mu'])) throw new Error(`cycles only shows ${cyc.ids}`);
    await graph().locator('#info li', { hasText: cls('', 'VM.lock', ' → ', 'statsTable.mu', ' → ', 'VM.lock') }).first().waitFor({ state: 'visible' });
    await graph().locator('#cycles').uncheck();
    await graphStatus(/^All \d+ locks$/);
    // A lock of the generated package: its side list offers to collapse the package.
    // SVG shapes are clicked where they are drawn, whichever of their parts (box, text) is on top: force.
    await graph().locator('svg .node[data-id^="big."]').first().click({ force: true });
    await graph().locator('#sites button.action[data-action="collapse"][data-arg="big"]').click();
    await graphStatus(/^All \d+ locks · collapsed: big$/);
    const collapsed = await drawn();
    if (!collapsed.ids.includes('big.*') || collapsed.ids.some((id) => id.startsWith('big.') && id !== 'big.*')) throw new Error(`big is not one node: ${collapsed.ids}`);
    await graph().locator('svg .node.package[data-id="big.*"]').waitFor({ state: 'visible' });
    await shot('12a-lock-graph-package-big-collapsed');
    await graph().locator('svg .node.package[data-id="big.*"]').click({ force: true });
    await graph().locator('#sites button.action[data-action="expand"][data-arg="big"]').click();
    await graphStatus(/^All \d+ locks$/);
    if ((await drawn()).ids.length < MIN_LOCKS) throw new Error('expanding big did not bring its locks back');
  });

  let found;
  await step(13, 'lock graph search: typing a lock\'s name and Enter centres the view on it and lists its sites', async () => {
    const options = await graph().locator('#locks option').evaluateAll((os) => os.map((o) => o.value));
    if (options.length < MIN_LOCKS) throw new Error(`the search suggests ${options.length} locks`);
    found = options.find((id) => id.startsWith('big.'));
    if (!found) throw new Error(`no lock of big among the suggestions: ${options.join(', ')}`);
    const search = graph().locator('#search');
    await search.fill(found.slice('big.'.length)); // the end of a name finds it
    await search.press('Enter');
    await graphStatus(new RegExp(`^Around ${escapeRegExp(found)}: \\d+ of \\d+ locks$`));
    await graph().locator(`svg .node.focus[data-id="${found}"]`).waitFor({ state: 'visible' });
    await graph().locator('#sites h3', { hasText: new RegExp(`^${escapeRegExp(found)}$`) }).waitFor({ state: 'visible' });
    const { ids, outside } = await drawn();
    if (ids.length >= MIN_LOCKS || outside) throw new Error(`the search did not centre on ${found}'s neighbourhood: ${ids.length} locks, ${outside} outside`);
  });

  await step(14, 'lock graph side list: clicking an edge lists its sites in the panel; clicking a site opens it in an editor beside the graph', async () => {
    const label = graph().locator(`svg .link[data-from="${found}"] text.edge-label, svg .link[data-to="${found}"] text.edge-label`).first();
    const from = await label.locator('xpath=..').getAttribute('data-from'), to = await label.locator('xpath=..').getAttribute('data-to');
    await label.click({ force: true });
    await graph().locator('#sites h3', { hasText: `${from} → ${to}` }).waitFor({ state: 'visible' });
    await graph().locator(`svg .link.selected[data-from="${from}"][data-to="${to}"]`).waitFor({ state: 'visible' });
    const first = graph().locator('#sites button.site').first();
    const [, file, line] = (await first.textContent()).match(/^(.+):(\d+)$/);
    const nodesBefore = (await drawn()).ids.length;
    await first.click();
    await page.locator('.tab.active', { hasText: file }).waitFor({ state: 'visible' });
    await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col \\d+`) }).first().waitFor({ state: 'visible' });
    // The graph stays: still in its tab, with the same view and side list.
    await page.locator('.tab', { hasText: 'Lock Order Graph' }).first().waitFor({ state: 'visible' });
    await graph().locator('#sites h3', { hasText: `${from} → ${to}` }).waitFor({ state: 'visible' });
    if ((await drawn()).ids.length !== nodesBefore) throw new Error('opening a site changed the graph');
  });

  await step(15, 'lock graph from a finding: the Show in Lock Order Graph code action on the cycle in vm.go opens on the cycle', async () => {
    // Step 14 left the graph in one group and a file beside it, with the focus in either (the webview keeps keys
    // to itself): start from no editor open.
    await runCommand('View: Close All Editor Groups');
    await openFile('vmm/vm.go');
    await goToLine(128, 1);
    await cursorOn(128, 'stats');
    await page.keyboard.press('Control+.');
    const action = page.locator('.action-widget .monaco-list-row', { hasText: 'Show in Lock Order Graph' });
    await action.first().waitFor({ state: 'visible' });
    await shot('15a-lock-graph-code-action-on-the-cycle');
    await action.first().click();
    await graphStatus(/^Around .+: 2 of \d+ locks$/);
    if (!sameIds((await drawn()).ids, ['VM.lock', 'statsTable.mu'])) throw new Error(`the cycle's view is ${(await drawn()).ids}`);
    await graph().locator('#sites h3', { hasText: /^Cycle / }).waitFor({ state: 'visible' });
    if ((await graph().locator('#sites button.site').count()) < 2) throw new Error('the cycle lists fewer than its two sites');
  });

  // ---- quick fixes: each check's preferred fix, as a user applies it, in fixes/ (one finding per file)
  await runCommand('View: Close All Editor Groups');
  for (const fix of QUICK_FIXES) {
    await step(fix.n, `quick fix ${fix.id} (${fix.code}) in fixes/${fix.file}: Ctrl+. offers it, Auto Fix applies it, the diagnostic goes and none comes`, () => quickFix(fix));
  }

  await step(23, 'reload: after Developer: Reload Window the server analyses again and no request failed ("Starting server failed")', async () => {
    // vm.go open with the cursor on the cycle's diagnostic: as the window goes and as it comes back, VS Code asks
    // for the light bulb's code actions there, while the old client stops and while the new one starts.
    await openFile('vmm/vm.go');
    await goToLine(128, 6);
    await waitUntil(async () => (await lineInfo(128, 'stats'))?.squiggles.length, STEP_TIMEOUT, 'the cycle\'s squiggle on vm.go line 128');
    // The page itself reloads: mark it, and wait for a page without the mark.
    await page.evaluate(() => { window.__locksetBeforeReload = true; });
    await runCommand('Developer: Reload Window', { then: 'reload' });
    await waitUntil(() => page.evaluate(() => !window.__locksetBeforeReload).catch(() => false), STEP_TIMEOUT, 'the window to reload');
    await page.locator('.tab.active', { hasText: 'vm.go' }).waitFor({ state: 'visible' });
    // The new extension host's server has analysed the workspace: its counts are in the status bar, and the
    // restored vm.go has its squiggles again.
    await waitUntil(async () => { const c = await locksetCounts(); return c.errors + c.warnings > 0; }, STEP_TIMEOUT, 'lockset\'s counts in the status bar after the reload');
    await page.locator('.editor-group-container.active .monaco-editor').first().locator('.squiggly-warning, .squiggly-error').first().waitFor({ state: 'attached' });
    const failed = findExtHostLogs(join(userData, 'logs')).filter((f) => /lockset\.log$/.test(f))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => /Starting server failed|Request \S+ failed/.test(l)).map((l) => `${f.slice(f.indexOf('/logs/') + 6)}: ${l}`));
    if (failed.length) throw new Error(`lockset's output has failed requests:\n${failed.join('\n')}`);
  });
  timing.steps = Date.now() - stepsStart;
} catch (e) {
  failure = e;
} finally {
  const c0 = Date.now();
  await cleanup();
  timing.cleanup = Date.now() - c0;
}

// Keep the logs next to the screenshots: code-server's, Chromium's, the extension host's and
// lockset's output channels.
cpSync(logDir, join(results, 'logs'), { recursive: true });
if (existsSync(join(userData, 'logs'))) cpSync(join(userData, 'logs'), join(results, 'logs/code-server-logs'), { recursive: true });

if (failure) {
  log(`FAILED at step ${currentStep}: ${failure.stack ?? failure}`);
  const ext = findExtHostLogs(join(userData, 'logs'));
  for (const f of ext) process.stderr.write(`\n--- ${f} (tail)\n${readFileSync(f, 'utf8').split('\n').slice(-40).join('\n')}\n`);
  process.stderr.write(`\nvscode e2e: FAILED at step ${currentStep}\nscreenshots and logs: ${results}\nworkspace copy kept in ${tmp}\n`);
  process.stdout.write(`${passed} passed, 1 failed\n`);
  process.exit(1);
}
log(`startup (install the vsix, start code-server and Chromium, load the workbench) ${(timing.startup / 1000).toFixed(1)} s, ` +
  `steps ${(timing.steps / 1000).toFixed(1)} s, cleanup ${(timing.cleanup / 1000).toFixed(1)} s, total ${secs(t0)} s`);
log(`screenshots and logs in ${results}`);
if (keep) log(`kept ${tmp}`); else rmSync(tmp, { recursive: true, force: true });
process.stdout.write(`${passed} passed, 0 failed\n`);

/** The extension host log and lockset's output channel logs under code-server's logs dir. */
function findExtHostLogs(dir) {
  const out = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/exthost\.log$|lockset.*\.log$/i.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}
