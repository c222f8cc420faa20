import { cpus } from "node:os";

/** Busy time of every core of this machine so far (user, nice, system, irq), in ms. */
export function machineBusyMs(): number {
  return cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}
