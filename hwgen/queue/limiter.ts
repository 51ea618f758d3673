/** At most `limit` tasks at once (as simulate.ts's Slots): a task takes a slot only once it is ready to run. */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let free = Math.max(1, limit);
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next === undefined) free += 1;
      else next();
    }
  };
}
