import { child, childrenOf, type SyntaxNode } from '../syntax/node';

/** The package that declares a named type: a GoPackage (only GoPackage.universal sets `home`). */
export interface DeclaringPackage { readonly dir: string; readonly name: string }

/**
 * A Go type as far as lock analysis needs it. Named types are resolved lazily through the package model:
 * an unqualified name through the package that wrote it, `pkg` through that package's imports, and
 * `home`, when set, names the declaring package outright (see GoPackage.universal).
 */
export type GoType =
  | { kind: 'named'; name: string; pkg?: string; home?: DeclaringPackage }
  | { kind: 'pointer'; elem: GoType }
  | { kind: 'slice'; elem: GoType }
  | { kind: 'map'; key: GoType; value: GoType }
  | { kind: 'chan'; elem: GoType }
  | { kind: 'struct'; fields: FieldInfo[] }
  | { kind: 'func'; results: GoType[] }
  | { kind: 'interface'; methods: string[]; embeds?: true }
  | { kind: 'unknown' };

export interface FieldInfo {
  name: string;
  type: GoType;
  embedded: boolean;
  node: SyntaxNode;
}

export const UNKNOWN: GoType = { kind: 'unknown' };

/** Reads a type expression. `text` is the file's source. */
export function typeFromSyntax(node: SyntaxNode | undefined, text: string): GoType {
  if (!node) return UNKNOWN;
  switch (node.type) {
    case 'type_identifier':
      return { kind: 'named', name: text.slice(node.start, node.end) };
    case 'qualified_type': {
      const pkg = child(node, 'package'), name = child(node, 'name');
      if (!pkg || !name) return UNKNOWN;
      return { kind: 'named', pkg: text.slice(pkg.start, pkg.end), name: text.slice(name.start, name.end) };
    }
    case 'generic_type':
      return typeFromSyntax(child(node, 'type'), text);
    case 'pointer_type':
      return { kind: 'pointer', elem: typeFromSyntax(node.children[0], text) };
    case 'slice_type':
    case 'array_type':
    case 'implicit_length_array_type':
      return { kind: 'slice', elem: typeFromSyntax(child(node, 'element'), text) };
    case 'map_type':
      return { kind: 'map', key: typeFromSyntax(child(node, 'key'), text), value: typeFromSyntax(child(node, 'value'), text) };
    case 'channel_type':
      return { kind: 'chan', elem: typeFromSyntax(child(node, 'value') ?? node.children[0], text) };
    case 'parenthesized_type':
      return typeFromSyntax(node.children[0], text);
    case 'struct_type':
      return { kind: 'struct', fields: structFields(node, text) };
    case 'interface_type':
      return interfaceType(node, text);
    case 'function_type':
      return { kind: 'func', results: resultTypes(child(node, 'result'), text) };
    default:
      return UNKNOWN;
  }
}

export function structFields(structNode: SyntaxNode, text: string): FieldInfo[] {
  const list = structNode.children.find((c) => c.type === 'field_declaration_list');
  const out: FieldInfo[] = [];
  for (const decl of list?.children ?? []) {
    if (decl.type !== 'field_declaration') continue;
    const typeNode = child(decl, 'type');
    const type = typeFromSyntax(typeNode, text);
    const names = childrenOf(decl, 'name');
    if (names.length === 0) {
      // Embedded field: its name is the type's name without package or pointer.
      const base = type.kind === 'pointer' ? type.elem : type;
      if (base.kind === 'named') out.push({ name: base.name, type, embedded: true, node: decl });
      continue;
    }
    for (const n of names) out.push({ name: text.slice(n.start, n.end), type, embedded: false, node: decl });
  }
  return out;
}

/** An interface's own method names; `embeds` when it also embeds other interfaces (whose methods are not listed). */
function interfaceType(node: SyntaxNode, text: string): GoType {
  const methods: string[] = [];
  let embeds = false;
  for (const c of node.children) {
    if (c.type === 'method_elem' || c.type === 'method_spec') {
      const name = child(c, 'name');
      if (name) methods.push(text.slice(name.start, name.end));
    } else if (c.type !== 'comment') embeds = true;
  }
  return embeds ? { kind: 'interface', methods, embeds: true } : { kind: 'interface', methods };
}

/** The result types of a function signature (`result` may be a single type or a parameter list). */
export function resultTypes(result: SyntaxNode | undefined, text: string): GoType[] {
  if (!result) return [];
  if (result.type !== 'parameter_list') return [typeFromSyntax(result, text)];
  const out: GoType[] = [];
  for (const p of result.children) {
    if (p.type !== 'parameter_declaration') continue;
    const t = typeFromSyntax(child(p, 'type'), text);
    const n = Math.max(1, childrenOf(p, 'name').length);
    for (let i = 0; i < n; i++) out.push(t);
  }
  return out;
}

export function deref(t: GoType): GoType {
  return t.kind === 'pointer' ? t.elem : t;
}

export function typeToString(t: GoType): string {
  switch (t.kind) {
    case 'named': return t.home ? `${t.home.name}.${t.name}` : t.pkg ? `${t.pkg}.${t.name}` : t.name;
    case 'pointer': return `*${typeToString(t.elem)}`;
    case 'slice': return `[]${typeToString(t.elem)}`;
    case 'map': return `map[${typeToString(t.key)}]${typeToString(t.value)}`;
    case 'chan': return `chan ${typeToString(t.elem)}`;
    case 'struct': return 'struct{...}';
    case 'func': return 'func(...)';
    case 'interface': return 'interface{...}';
    default: return '?';
  }
}

/** The kinds of lock that the standard library provides. */
export type LockKind = 'mutex' | 'rwmutex' | 'locker' | 'custom';

export function syncLockKind(t: GoType): LockKind | undefined {
  const b = deref(t);
  if (b.kind !== 'named' || b.pkg !== 'sync') return undefined;
  if (b.name === 'Mutex') return 'mutex';
  if (b.name === 'RWMutex') return 'rwmutex';
  if (b.name === 'Locker') return 'locker';
  return undefined;
}
