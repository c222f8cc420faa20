import type { GenericContainer } from "testcontainers";
import type { ServiceSpec } from "../catalog/service-spec.ts";

const startupPollMs = 250;
/** Where a probe notes, for the container's current first process, that the check has passed. */
const passedMarker = "/dev/shm/.stack-harness-passed";

/**
 * The healthcheck command as the harness has the engine run it (docker-compose.yml has the plain
 * check). Until the check first passes in the container's first `retries × interval`, one probe
 * retries it every 250 ms until it passes or the probe's time is nearly up. So the engine sees the
 * service healthy within 250 ms of it serving, at one exec a probe rather than one a second: an
 * exec costs the engine about 70 ms of CPU, which the booting services need. Once it has passed
 * (noted in /dev/shm for the container's current first process, so a restart starts afresh), each
 * probe first sleeps all but 3 s of its timeout and then runs the check once: the engine starts
 * the next probe an interval after one ends, so a healthy service costs one exec every
 * `timeout - 2 s` instead of every second.
 */
function engineHealthTest(spec: ServiceSpec, variables: Record<string, string>): string {
  const { command, timeoutMs, intervalMs, retries } = spec.healthcheck;
  const exports = Object.entries(variables).map(([name, value]) => `export ${name}='${value.replaceAll("'", "'\\''")}'; `).join("");
  const centis = (ms: number) => Math.round(ms / 10);
  const now = "read -r u _ </proc/uptime; now=${u%.*}${u#*.}";
  const steadySleepSeconds = Math.max(0, Math.floor(timeoutMs / 1000) - 3);
  return (
    // Field 22 of /proc/1/stat: when the container's first process started, in 1/100 s since boot.
    `${exports}read -r p </proc/1/stat; set -- \${p##*) }; started=\${20}; ` +
    `{ read -r passed <${passedMarker}; } 2>/dev/null; if [ "$passed" = "$started" ]; then sleep ${steadySleepSeconds}; young=0; ${now}; ` +
    `else ${now}; young=$(( now < started + ${centis(intervalMs * retries)} )); fi; end=$(( now + ${centis(timeoutMs - 1_000)} )); ` +
    // Only the last try's output is kept, as the engine shows it.
    `until out=$( (${command("127.0.0.1")}) 2>&1); do ` +
    `[ $young = 1 ] && [ $now -lt $end ] || { echo "$out"; exit 1; }; sleep ${startupPollMs / 1000}; ${now}; done; ` +
    `{ echo "$started" >${passedMarker}; } 2>/dev/null; echo "$out"`
  );
}

/** The service's healthcheck as the engine runs it, inside its container, with `variables` set for the check alone. */
export function dockerHealthCheck(spec: ServiceSpec, variables: Record<string, string> = {}): Parameters<GenericContainer["withHealthCheck"]>[0] {
  const { healthcheck } = spec;
  return {
    test: ["CMD-SHELL", engineHealthTest(spec, variables)],
    interval: healthcheck.intervalMs,
    timeout: healthcheck.timeoutMs,
    retries: healthcheck.retries,
    startPeriod: healthcheck.startPeriodMs,
  };
}

