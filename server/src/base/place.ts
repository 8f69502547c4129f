/**
 * A place in a file as plain data: its path and 0-based positions. The protocol's `Loc` is the same with a URI
 * instead of the path; only lsp/ (and the CLI) make URIs (lsp/views.ts).
 */
export interface Place { path: string; line: number; character: number; endLine?: number; endCharacter?: number }
