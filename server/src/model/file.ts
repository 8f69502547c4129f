import { dirname } from 'node:path';
import { LineIndex } from '../base/lines';
import { child, childrenOf, type SyntaxNode } from '../syntax/node';
import type { ParsedFile } from '../syntax/parse-types';
import { resultTypes, typeFromSyntax, typeToString, UNKNOWN, type GoType } from './types';

export interface Param { name: string; type: GoType }

export interface FuncDecl {
  /** `Type.method` for methods, the plain name for functions. */
  key: string;
  name: string;
  recvType?: string;
  recvName?: string;
  recvPointer?: boolean;
  params: Param[];
  results: GoType[];
  node: SyntaxNode;
  nameNode: SyntaxNode;
  body?: SyntaxNode;
  doc: DocComment;
  file: GoFile;
}

/**
 * Called from other packages too: an exported function, or an exported method of an exported type. (An exported
 * method of an unexported type is most often reached through an interface of its own package.)
 */
export function isExportedApi(fn: FuncDecl): boolean {
  return /^[A-Z]/.test(fn.name) && (!fn.recvType || /^[A-Z]/.test(fn.recvType));
}

export interface TypeDecl { name: string; type: GoType; node: SyntaxNode; nameNode: SyntaxNode; doc: DocComment; file: GoFile }
export interface VarDecl { name: string; type?: GoType; value?: SyntaxNode; node: SyntaxNode; nameNode: SyntaxNode; doc: DocComment; file: GoFile }

export interface DocComment { text: string; comments: SyntaxNode[] }

/** The declarations one top-level node gave. */
interface NodeDecls { funcs: FuncDecl[]; types: TypeDecl[]; vars: VarDecl[] }

let filesCreated = 0;

/** The facts of one Go file: its declarations and comments, with positions. */
export class GoFile {
  readonly lines: LineIndex;
  readonly packageName: string;
  readonly imports = new Map<string, string>(); // local name → import path
  readonly funcs: FuncDecl[] = [];
  readonly types: TypeDecl[] = [];
  readonly vars: VarDecl[] = [];
  /** Line → comments starting on that line. */
  private readonly commentsByLine = new Map<number, SyntaxNode[]>();
  /** The file's directory: its package's, as the workspace keys packages (asked for on every foreign call). */
  readonly dir: string;
  /** Numbers files, so that a file can name the one it was read from without keeping it alive. */
  readonly id = ++filesCreated;
  /** The id of the file this one was read from (see the constructor), if any. */
  readonly derivedFrom?: number;
  /**
   * Whether this file differs from the one it was read from only inside function bodies: the same package
   * clause, imports, types, variables and comments (the very same nodes), and every function with the same
   * header and doc comment. Then the package's model is unchanged, and only `changedFuncs` need new flows.
   */
  readonly bodyOnlyChange: boolean = false;
  /** The functions whose bodies changed, when `bodyOnlyChange`. */
  readonly changedFuncs = new Set<FuncDecl>();
  /**
   * Whether this file differs from the one it was read from only in its declarations, with the same package
   * clause: imports (`changedImports`), functions added, removed, or changed in header, doc comment or body, and
   * types and variables declared anew or removed (`changedTypes`, `changedVars`, by name, with `declWords` the
   * words of their declarations before and after). Every other type and variable declaration is the previous
   * object. `declaredFuncs` are the new or re-declared functions, `removedFuncs` the previous ones that are gone,
   * and the functions whose bodies alone changed are in `changedFuncs`.
   */
  readonly declsChange: boolean = false;
  readonly declaredFuncs = new Set<FuncDecl>();
  readonly removedFuncs: FuncDecl[] = [];
  readonly changedTypes = new Set<string>();
  readonly changedVars = new Set<string>();
  readonly declWords = new Set<string>();
  /** Of changedTypes, those declared, removed, or neither a struct nor an interface (see declsChange). */
  readonly retypedTypes = new Set<string>();
  /** Of declWords, the embedded fields that came or went: the members they promote do too. */
  readonly declEmbeds = new Set<string>();
  /** The import names (`sync`, an alias) that now stand for another path, or for none or a new one (see declsChange). */
  readonly changedImports = new Set<string>();
  /** Its functions' syntax was dropped (see PackageAnalysis.compact): nothing of it is to be taken over by a re-parse. */
  compacted = false;

  /**
   * Reads a file's declarations. Given the file of the previous version, whose tree the parser re-used
   * nodes of (see parseGoIncremental), the declarations of re-used top-level nodes are taken over, and a
   * function whose body changed keeps its FuncDecl object (updated in place): function identity, which the
   * package analysis keys everything by, survives an edit. The previous file must not be used afterwards.
   */
  constructor(readonly path: string, readonly parsed: ParsedFile, previous?: GoFile) {
    this.dir = dirname(path);
    this.lines = new LineIndex(parsed.text);
    for (const c of parsed.comments) {
      const line = this.lines.lineOf(c.start);
      const list = this.commentsByLine.get(line);
      if (list) list.push(c); else this.commentsByLine.set(line, [c]);
    }
    const top = parsed.root.children, before = previous?.parsed.root.children;
    const prior = previous && previous.parsed !== parsed ? declsByNode(previous) : undefined;
    let bodyOnly = prior !== undefined && before!.length === top.length;
    let declsOnly = prior !== undefined;
    let pkg = '';
    for (let i = 0; i < top.length; i++) {
      const decl = top[i];
      const declared = this.funcs.length;
      try {
        let unchanged = decl === before?.[i];
        const old = prior?.get(decl);
        if (decl.type === 'package_clause') pkg = this.text(decl.children[0]);
        else if (old) {
          const sameDocs = this.adopt(decl, old);
          unchanged = sameDocs && unchanged;
          if (!sameDocs) {
            for (const fn of old.funcs) this.declaredFuncs.add(fn);
            for (const t of old.types) this.changedTypes.add(t.name);
            for (const v of old.vars) this.changedVars.add(v.name);
          }
        }
        // A previous node that the parser moved into this tree is taken over where it is now, not here.
        else if (bodyOnly && !unchanged && before && isFunc(decl) && before[i].type === decl.type && before[i].parent !== parsed.root) {
          unchanged = this.reread(decl, previous!, prior!.get(before[i])?.funcs[0]);
        }
        else this.readDecl(decl);
        // A comment next to an edited function is lexed anew, a new node with the same text.
        if (!unchanged && decl.type === 'comment' && before?.[i]?.type === 'comment') unchanged = this.text(decl) === previous!.text(before[i]);
        if (!unchanged) bodyOnly = false;
        for (let k = declared; k < this.funcs.length; k++) if (!this.changedFuncs.has(this.funcs[k]) && !old) this.declaredFuncs.add(this.funcs[k]);
      } catch {
        // A half-typed declaration gives fewer facts, never an exception.
        bodyOnly = false;
        declsOnly = false;
      }
    }
    this.packageName = pkg;
    if (previous && prior) {
      this.derivedFrom = previous.id;
      this.bodyOnlyChange = bodyOnly;
      const keptFuncs = new Set(this.funcs);
      for (const fn of previous.funcs) if (!keptFuncs.has(fn)) this.removedFuncs.push(fn);
      // Types and variables read anew, or gone (a declaration read anew is a new object even with the same text).
      for (const t of symmetricDifference(previous.types, this.types)) this.changedTypes.add(t.name);
      for (const v of symmetricDifference(previous.vars, this.vars)) this.changedVars.add(v.name);
      // What of them a flow may name: the type, its members that read otherwise (a field's line, an interface's
      // methods), the variables.
      for (const name of this.changedTypes) {
        this.declWords.add(name);
        const was = members(previous.types.filter((t) => t.name === name));
        const now = members(this.types.filter((t) => t.name === name));
        for (const [m, what] of [...was, ...now]) {
          if (was.get(m) === now.get(m)) continue;
          this.declWords.add(m);
          if (what.startsWith('embedded ')) this.declEmbeds.add(m);
        }
        // Declared or gone, or another kind of type than a struct or an interface (`type X sync.Mutex`): its values
        // change under any name they have.
        if (was.size === 0 || now.size === 0 || [...was.keys(), ...now.keys()].some((k) => k.startsWith('type '))) this.retypedTypes.add(name);
      }
      for (const name of this.changedVars) this.declWords.add(name);
      for (const [alias, path] of this.imports) if (previous.imports.get(alias) !== path) this.changedImports.add(alias);
      for (const alias of previous.imports.keys()) if (!this.imports.has(alias)) this.changedImports.add(alias);
      this.declsChange = declsOnly && this.packageName === previous.packageName;
    }
  }

  /** Takes over the declarations of a re-used node; false if one of their doc comments changed. */
  private adopt(decl: SyntaxNode, old: NodeDecls): boolean {
    let same = true;
    const redoc = <D extends { doc: DocComment; file: GoFile }>(d: D, docNode: SyntaxNode): D => {
      const doc = this.docFor(docNode);
      if (doc.text !== d.doc.text) same = false;
      d.doc = doc;
      d.file = this;
      return d;
    };
    for (const fn of old.funcs) this.funcs.push(redoc(fn, fn.node));
    for (const t of old.types) this.types.push(redoc(t, decl.children.length === 1 ? decl : t.node));
    for (const v of old.vars) this.vars.push(redoc(v, v.node));
    if (decl.type === 'import_declaration') this.readImports(decl);
    return same;
  }

  /**
   * Reads a function whose node is new where the previous file had `prevFn`: with the same header (all
   * but the body) and doc comment, `prevFn` is updated in place and counts as changed; otherwise false.
   */
  private reread(decl: SyntaxNode, previous: GoFile, prevFn: FuncDecl | undefined): boolean {
    const n = this.funcs.length;
    this.readFunc(decl);
    const fresh = this.funcs[n];
    if (!fresh || !prevFn || this.changedFuncs.has(prevFn) || fresh.doc.text !== prevFn.doc.text) return false;
    if (headerOf(this, fresh) !== headerOf(previous, prevFn)) return false;
    Object.assign(prevFn, fresh);
    this.funcs[n] = prevFn;
    this.changedFuncs.add(prevFn);
    return true;
  }

  /**
   * After a file of the same text was read again (its compacted trees were hollow), takes over the previous
   * file's FuncDecl objects, updated in place, as `reread` does: importers hold them.
   */
  takeOverFuncs(previous: GoFile): void {
    if (previous.text_ !== this.text_) return;
    const taken = new Set<FuncDecl>();
    this.funcs.forEach((fresh, i) => {
      const old = previous.funcs.find((f) => !taken.has(f) && f.key === fresh.key && f.node.start === fresh.node.start && f.doc.text === fresh.doc.text);
      if (!old) return;
      taken.add(old);
      Object.assign(old, fresh);
      this.funcs[i] = old;
    });
  }

  get text_(): string { return this.parsed.text; }
  text(n: SyntaxNode | undefined): string { return n ? this.parsed.text.slice(n.start, n.end) : ''; }

  private readDecl(decl: SyntaxNode): void {
    switch (decl.type) {
      case 'import_declaration': return this.readImports(decl);
      case 'function_declaration':
      case 'method_declaration': return this.readFunc(decl);
      case 'type_declaration':
        for (const spec of decl.children) {
          if (spec.type !== 'type_spec' && spec.type !== 'type_alias') continue;
          const nameNode = child(spec, 'name');
          if (!nameNode) continue;
          this.types.push({ name: this.text(nameNode), type: typeFromSyntax(child(spec, 'type'), this.parsed.text), node: spec, nameNode, doc: this.docFor(decl.children.length === 1 ? decl : spec), file: this });
        }
        return;
      case 'var_declaration':
        for (const spec of specs(decl, 'var_spec')) {
          const typeNode = child(spec, 'type');
          const values = child(spec, 'value')?.children ?? [];
          childrenOf(spec, 'name').forEach((nameNode, i) => {
            this.vars.push({
              name: this.text(nameNode), type: typeNode ? typeFromSyntax(typeNode, this.parsed.text) : undefined, value: values[i],
              node: spec, nameNode, doc: this.docFor(spec), file: this,
            });
          });
        }
        return;
    }
  }

  private readImports(decl: SyntaxNode): void {
    for (const spec of specs(decl, 'import_spec')) {
      const path = this.text(child(spec, 'path')).replace(/^["`]|["`]$/g, '');
      const alias = child(spec, 'name');
      const local = alias ? this.text(alias) : path.slice(path.lastIndexOf('/') + 1);
      if (local !== '_' && local !== '.') this.imports.set(local, path);
    }
  }

  private readFunc(decl: SyntaxNode): void {
    const nameNode = child(decl, 'name');
    if (!nameNode) return;
    const name = this.text(nameNode);
    // Every property is in the literal, so that all FuncDecls share one shape with in-object properties.
    const fn: FuncDecl = {
      key: name, name, recvType: undefined, recvName: undefined, recvPointer: undefined,
      params: paramsOf(child(decl, 'parameters'), this.parsed.text),
      results: resultTypes(child(decl, 'result'), this.parsed.text), node: decl, nameNode, body: child(decl, 'body'),
      doc: this.docFor(decl), file: this,
    };
    const recv = child(decl, 'receiver');
    if (recv) {
      const p = recv.children.find((c) => c.type === 'parameter_declaration');
      const t = typeFromSyntax(child(p ?? recv, 'type'), this.parsed.text);
      const base = t.kind === 'pointer' ? t.elem : t;
      if (base.kind !== 'named') return;
      fn.recvType = base.name;
      fn.recvPointer = t.kind === 'pointer';
      const rn = p && child(p, 'name');
      fn.recvName = rn ? this.text(rn) : undefined;
      fn.key = `${base.name}.${name}`;
    }
    this.funcs.push(fn);
  }

  /** The comment block directly above `node` (no blank line between), as text without comment markers. */
  docFor(node: SyntaxNode): DocComment {
    const comments = this.commentsAbove(this.lines.lineOf(node.start));
    return { text: comments.map((c) => stripComment(this.text(c))).join('\n'), comments };
  }

  /** Own-line comments ending on the line just before `line`, contiguous, first to last. */
  commentsAbove(line: number): SyntaxNode[] {
    let l = line - 1;
    while (l >= 0) {
      const cs = this.commentsByLine.get(l);
      if (!cs || cs.length === 0) {
        // A block comment may span several lines; find one ending on this line.
        break;
      }
      const c = cs[0];
      if (!this.isOwnLine(c)) break;
      l--;
    }
    // Lines l + 1 to line - 1 hold the block. Doc comments are kept, so the array is built at its exact size.
    if (l + 1 >= line) return [];
    if (l + 2 === line) return this.commentsByLine.get(l + 1)!.slice();
    const out: SyntaxNode[] = [];
    for (let k = l + 1; k < line; k++) for (const c of this.commentsByLine.get(k)!) out.push(c);
    return out.slice();
  }

  /** Comments that start on `line` after `after` (trailing comments). */
  commentsOnLine(line: number, after = -1): SyntaxNode[] {
    return (this.commentsByLine.get(line) ?? []).filter((c) => c.start >= after);
  }

  /** Whether only white space precedes the comment on its line. */
  isOwnLine(c: SyntaxNode): boolean {
    const start = this.lines.lineStart(this.lines.lineOf(c.start));
    return this.parsed.text.slice(start, c.start).trim() === '';
  }
}

const isFunc = (n: SyntaxNode) => n.type === 'function_declaration' || n.type === 'method_declaration';

/** The objects of either list that the other does not hold. */
function symmetricDifference<T>(a: readonly T[], b: readonly T[]): T[] {
  const inA = new Set(a), inB = new Set(b);
  return [...a.filter((x) => !inB.has(x)), ...b.filter((x) => !inA.has(x))];
}

/**
 * The members of type declarations by name, with what they declare (read from the types, not the text, whose
 * nodes the parse may have moved): a struct's fields (an embedded one by its type's name, standing for the
 * members it promotes), an interface's methods, another type's underlying type.
 */
function members(types: readonly TypeDecl[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of types) {
    if (t.type.kind === 'struct') for (const f of t.type.fields) out.set(f.name, `${f.embedded ? 'embedded ' : ''}${typeToString(f.type)}`);
    else if (t.type.kind === 'interface') for (const m of t.type.methods) out.set(m, 'method');
    else out.set(`type ${t.name}`, typeToString(t.type));
  }
  return out;
}

/** A function's text up to its body: receiver, name, parameters and results. */
function headerOf(file: GoFile, fn: FuncDecl): string {
  return file.text_.slice(fn.node.start, fn.body?.start ?? fn.node.end);
}

/** A file's declarations by the top-level node that gave them. */
function declsByNode(file: GoFile): Map<SyntaxNode, NodeDecls> {
  const out = new Map<SyntaxNode, NodeDecls>();
  // The parser may have moved nodes of an edited declaration into the new tree (see Reuse): climbing from
  // them ends at a new top-level node, whose declarations are read again, not taken over.
  const tops = new Set(file.parsed.root.children);
  const entry = (n: SyntaxNode) => {
    let top = n;
    while (top.parent && top.parent.type !== 'source_file') top = top.parent;
    if (!tops.has(top)) return undefined;
    let e = out.get(top);
    if (!e) out.set(top, (e = { funcs: [], types: [], vars: [] }));
    return e;
  };
  for (const fn of file.funcs) entry(fn.node)?.funcs.push(fn);
  for (const t of file.types) entry(t.node)?.types.push(t);
  for (const v of file.vars) entry(v.node)?.vars.push(v);
  return out;
}

function specs(decl: SyntaxNode, specType: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const c of decl.children) {
    if (c.type === specType) out.push(c);
    else if (c.type.endsWith('_spec_list')) for (const s of c.children) if (s.type === specType) out.push(s);
  }
  return out;
}

export function paramsOf(list: SyntaxNode | undefined, text: string): Param[] {
  const out: Param[] = [];
  for (const p of list?.children ?? []) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const typeNode = child(p, 'type');
    let type = typeNode ? typeFromSyntax(typeNode, text) : UNKNOWN;
    if (p.type === 'variadic_parameter_declaration') type = { kind: 'slice', elem: type };
    const names = childrenOf(p, 'name');
    if (names.length === 0) out.push({ name: '_', type });
    for (const n of names) out.push({ name: text.slice(n.start, n.end), type });
  }
  // A copy of the exact size: the array grown by push has room for 16, and every function keeps one.
  return out.length === 0 ? [] : out.slice();
}

export function stripComment(raw: string): string {
  if (raw.startsWith('//')) return raw.slice(2).replace(/^ /, '');
  return raw.replace(/^\/\*/, '').replace(/\*\/$/, '').split('\n').map((l) => l.replace(/^\s*\*? ?/, '')).join('\n');
}
