import type { Connection } from 'vscode-languageserver/node';

/**
 * Checks the parameters of the document notifications before TextDocuments sees them: a `didOpen` whose text is
 * not a string, or a `didChange` whose changes are not text edits, would otherwise crash the server or poison the
 * document store. A bad notification is logged and ignored (a notification has no response to carry an error).
 */
const VALID: Record<string, (p: unknown) => boolean> = {
  onDidOpenTextDocument: (p) => {
    const d = field(p, 'textDocument');
    return isUri(field(d, 'uri')) && typeof field(d, 'text') === 'string' && typeof field(d, 'languageId') === 'string' && Number.isInteger(field(d, 'version'));
  },
  onDidChangeTextDocument: (p) => {
    const d = field(p, 'textDocument');
    const changes = field(p, 'contentChanges');
    return isUri(field(d, 'uri')) && Number.isInteger(field(d, 'version')) && Array.isArray(changes)
      && changes.every((c) => typeof field(c, 'text') === 'string' && (field(c, 'range') === undefined || isRange(field(c, 'range'))));
  },
  onDidCloseTextDocument: (p) => isUri(field(field(p, 'textDocument'), 'uri')),
  onDidSaveTextDocument: (p) => isUri(field(field(p, 'textDocument'), 'uri')),
  onWillSaveTextDocument: (p) => isUri(field(field(p, 'textDocument'), 'uri')),
};

/** The connection as TextDocuments.listen should see it: the document notifications' handlers validate first. */
export function validatingDocumentEvents(connection: Connection, log: (message: string) => void): Connection {
  return new Proxy(connection, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const valid = typeof prop === 'string' ? VALID[prop] : undefined;
      if (!valid) return value.bind(target);
      return (handler: (p: unknown) => unknown) => value.call(target, (p: unknown) => {
        if (valid(p)) return handler(p);
        log(`lockset: ignored a ${String(prop).replace(/^on/, '')} notification with invalid parameters`);
        return undefined;
      });
    },
  });
}

function field(o: unknown, name: string): unknown {
  return o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[name] : undefined;
}

function isUri(u: unknown): boolean {
  return typeof u === 'string' && u.length > 0 && u.length < 100_000;
}

function isPosition(p: unknown): boolean {
  return Number.isInteger(field(p, 'line')) && Number.isInteger(field(p, 'character'));
}

function isRange(r: unknown): boolean {
  return isPosition(field(r, 'start')) && isPosition(field(r, 'end'));
}
