/**
 * A small standard library for the type checker. lockset does not load TypeScript's lib files (they
 * are large, and parsing them costs more than the workspace's own files); what it needs of the
 * standard types is what carries a value's type through common code: promises and `await`, arrays and
 * `for...of`, Map and Set, so that `for (const vm of vms) await vm.tags()` still resolves `tags`.
 */
export const MINI_LIB_FILE_NAME = '__lockset_lib__.d.ts';

export const MINI_LIB = `
interface Object {}
interface Function { apply(thisArg: any, args?: any): any; call(thisArg: any, ...args: any[]): any; bind(thisArg: any, ...args: any[]): any }
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface IArguments { length: number; [index: number]: any }
interface String { length: number; [index: number]: string; [key: string]: any }
interface Number { [key: string]: any }
interface Boolean {}
interface RegExp { [key: string]: any }
interface Symbol {}
interface SymbolConstructor { readonly iterator: unique symbol; readonly asyncIterator: unique symbol }
declare var Symbol: SymbolConstructor;
interface Error { name: string; message: string; stack?: string }
interface ErrorConstructor { new (message?: string, options?: any): Error; (message?: string): Error }
declare var Error: ErrorConstructor;
interface TemplateStringsArray extends ReadonlyArray<string> {}
interface IteratorResult<T> { done?: boolean; value: T }
interface Iterator<T> { next(...args: any[]): IteratorResult<T> }
interface Iterable<T> { [Symbol.iterator](): Iterator<T> }
interface IterableIterator<T> extends Iterator<T> { [Symbol.iterator](): IterableIterator<T> }
interface AsyncIterator<T> { next(...args: any[]): Promise<IteratorResult<T>> }
interface AsyncIterable<T> { [Symbol.asyncIterator](): AsyncIterator<T> }
interface AsyncIterableIterator<T> extends AsyncIterator<T> { [Symbol.asyncIterator](): AsyncIterableIterator<T> }
interface Generator<T = unknown, TReturn = any, TNext = unknown> extends IterableIterator<T> { return(value: TReturn): IteratorResult<T> }
interface AsyncGenerator<T = unknown, TReturn = any, TNext = unknown> extends AsyncIterableIterator<T> { return(value: TReturn): Promise<IteratorResult<T>> }
interface ReadonlyArray<T> {
  readonly length: number;
  readonly [n: number]: T;
  [Symbol.iterator](): IterableIterator<T>;
  forEach(cb: (value: T, index: number, array: readonly T[]) => void, thisArg?: any): void;
  map<U>(cb: (value: T, index: number, array: readonly T[]) => U, thisArg?: any): U[];
  filter(cb: (value: T, index: number, array: readonly T[]) => unknown, thisArg?: any): T[];
  find(cb: (value: T, index: number, obj: readonly T[]) => unknown, thisArg?: any): T | undefined;
  some(cb: (value: T, index: number, array: readonly T[]) => unknown, thisArg?: any): boolean;
  every(cb: (value: T, index: number, array: readonly T[]) => unknown, thisArg?: any): boolean;
  slice(start?: number, end?: number): T[];
  includes(value: T): boolean;
  indexOf(value: T): number;
  join(sep?: string): string;
  concat(...items: (T | readonly T[])[]): T[];
  entries(): IterableIterator<[number, T]>;
  keys(): IterableIterator<number>;
  values(): IterableIterator<T>;
}
interface Array<T> {
  length: number;
  [n: number]: T;
  [Symbol.iterator](): IterableIterator<T>;
  forEach(cb: (value: T, index: number, array: T[]) => void, thisArg?: any): void;
  map<U>(cb: (value: T, index: number, array: T[]) => U, thisArg?: any): U[];
  filter(cb: (value: T, index: number, array: T[]) => unknown, thisArg?: any): T[];
  find(cb: (value: T, index: number, obj: T[]) => unknown, thisArg?: any): T | undefined;
  findIndex(cb: (value: T, index: number, obj: T[]) => unknown, thisArg?: any): number;
  some(cb: (value: T, index: number, array: T[]) => unknown, thisArg?: any): boolean;
  every(cb: (value: T, index: number, array: T[]) => unknown, thisArg?: any): boolean;
  reduce<U>(cb: (acc: U, value: T, index: number, array: T[]) => U, initial: U): U;
  flatMap<U>(cb: (value: T, index: number, array: T[]) => U | readonly U[], thisArg?: any): U[];
  sort(compare?: (a: T, b: T) => number): this;
  push(...items: T[]): number;
  pop(): T | undefined;
  shift(): T | undefined;
  unshift(...items: T[]): number;
  splice(start: number, deleteCount?: number, ...items: T[]): T[];
  slice(start?: number, end?: number): T[];
  includes(value: T): boolean;
  indexOf(value: T): number;
  join(sep?: string): string;
  concat(...items: (T | readonly T[])[]): T[];
  reverse(): T[];
  entries(): IterableIterator<[number, T]>;
  keys(): IterableIterator<number>;
  values(): IterableIterator<T>;
}
interface ArrayConstructor { new <T>(...items: T[]): T[]; isArray(arg: any): arg is any[]; from<T>(iterable: Iterable<T> | ArrayLike<T>): T[]; of<T>(...items: T[]): T[] }
interface ArrayLike<T> { readonly length: number; readonly [n: number]: T }
declare var Array: ArrayConstructor;
interface PromiseLike<T> { then<R1 = T, R2 = never>(onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null): PromiseLike<R1 | R2> }
interface Promise<T> {
  then<R1 = T, R2 = never>(onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2>;
  catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R>;
  finally(onfinally?: (() => void) | null): Promise<T>;
}
interface PromiseConstructor {
  new <T>(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: any) => void) => void): Promise<T>;
  resolve(): Promise<void>;
  resolve<T>(value: T | PromiseLike<T>): Promise<Awaited<T>>;
  reject<T = never>(reason?: any): Promise<T>;
  all<T extends readonly unknown[] | []>(values: T): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }>;
  allSettled<T extends readonly unknown[] | []>(values: T): Promise<any[]>;
  race<T extends readonly unknown[] | []>(values: T): Promise<Awaited<T[number]>>;
  any<T extends readonly unknown[] | []>(values: T): Promise<Awaited<T[number]>>;
}
declare var Promise: PromiseConstructor;
type Awaited<T> = T extends null | undefined ? T : T extends object & { then(onfulfilled: infer F, ...args: infer _): any } ? F extends ((value: infer V, ...args: infer _) => any) ? Awaited<V> : never : T;
interface Map<K, V> {
  readonly size: number;
  get(key: K): V | undefined;
  set(key: K, value: V): this;
  has(key: K): boolean;
  delete(key: K): boolean;
  clear(): void;
  forEach(cb: (value: V, key: K, map: Map<K, V>) => void, thisArg?: any): void;
  [Symbol.iterator](): IterableIterator<[K, V]>;
  entries(): IterableIterator<[K, V]>;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
}
interface MapConstructor { new <K = any, V = any>(entries?: readonly (readonly [K, V])[] | Iterable<readonly [K, V]> | null): Map<K, V> }
declare var Map: MapConstructor;
interface ReadonlyMap<K, V> { readonly size: number; get(key: K): V | undefined; has(key: K): boolean; forEach(cb: (value: V, key: K) => void): void; [Symbol.iterator](): IterableIterator<[K, V]>; entries(): IterableIterator<[K, V]>; keys(): IterableIterator<K>; values(): IterableIterator<V> }
interface Set<T> {
  readonly size: number;
  add(value: T): this;
  has(value: T): boolean;
  delete(value: T): boolean;
  clear(): void;
  forEach(cb: (value: T, value2: T, set: Set<T>) => void, thisArg?: any): void;
  [Symbol.iterator](): IterableIterator<T>;
  values(): IterableIterator<T>;
}
interface SetConstructor { new <T = any>(values?: readonly T[] | Iterable<T> | null): Set<T> }
declare var Set: SetConstructor;
interface ReadonlySet<T> { readonly size: number; has(value: T): boolean; forEach(cb: (value: T) => void): void; [Symbol.iterator](): IterableIterator<T>; values(): IterableIterator<T> }
interface WeakMap<K extends object, V> { get(key: K): V | undefined; set(key: K, value: V): this; has(key: K): boolean; delete(key: K): boolean }
interface WeakMapConstructor { new <K extends object = object, V = any>(): WeakMap<K, V> }
declare var WeakMap: WeakMapConstructor;
type Partial<T> = { [P in keyof T]?: T[P] };
type Required<T> = { [P in keyof T]-?: T[P] };
type Readonly<T> = { readonly [P in keyof T]: T[P] };
type Pick<T, K extends keyof T> = { [P in K]: T[P] };
type Record<K extends keyof any, T> = { [P in K]: T };
type Exclude<T, U> = T extends U ? never : T;
type Extract<T, U> = T extends U ? T : never;
type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;
type NonNullable<T> = T & {};
type ReturnType<T extends (...args: any) => any> = T extends (...args: any) => infer R ? R : any;
type Parameters<T extends (...args: any) => any> = T extends (...args: infer P) => any ? P : never;
type InstanceType<T extends abstract new (...args: any) => any> = T extends abstract new (...args: any) => infer R ? R : any;
declare function setTimeout(handler: (...args: any[]) => void, timeout?: number, ...args: any[]): any;
declare function setInterval(handler: (...args: any[]) => void, timeout?: number, ...args: any[]): any;
declare function setImmediate(handler: (...args: any[]) => void, ...args: any[]): any;
declare function clearTimeout(id: any): void;
declare function clearInterval(id: any): void;
declare function queueMicrotask(callback: () => void): void;
declare var console: { log(...args: any[]): void; error(...args: any[]): void; warn(...args: any[]): void; info(...args: any[]): void; debug(...args: any[]): void; assert(condition?: boolean, ...data: any[]): void };
declare var JSON: { parse(text: string): any; stringify(value: any, replacer?: any, space?: any): string };
declare var Math: { [key: string]: any };
declare var Object: { keys(o: object): string[]; values(o: any): any[]; entries(o: any): [string, any][]; assign<T extends {}, U>(target: T, source: U): T & U; freeze<T>(o: T): Readonly<T>; [key: string]: any };
`;
