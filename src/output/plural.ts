/** `1 thread`, `2 threads`: a count with its noun, singular for one. */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}
