/**
 * Runs `task` once for every name, as soon as the tasks of its dependencies have succeeded, so
 * that independent names run in parallel. A task whose dependency failed does not run.
 */
export function inDependencyOrder<Name extends string>(
  names: readonly Name[],
  dependenciesOf: (name: Name) => readonly Name[],
  task: (name: Name) => Promise<void>,
): Promise<PromiseSettledResult<void>[]> {
  const pending = new Map<Name, Promise<void>>();
  const run = (name: Name): Promise<void> => {
    let promise = pending.get(name);
    if (!promise) {
      promise = Promise.all(dependenciesOf(name).map(run)).then(() => task(name));
      pending.set(name, promise);
    }
    return promise;
  };
  return Promise.allSettled(names.map(run));
}
