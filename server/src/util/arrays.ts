/**
 * Appends `items` to `target` one at a time. `target.push(...items)` passes every item as an argument, and a
 * call takes only so many (a half-typed 1 MB line can give a node a hundred thousand children): past that it
 * throws a RangeError.
 */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
