// Reads a bot's Prometheus /metrics once and looks values up by exact series name.

/** `name` with labels as exposed, e.g. 'voicebot_event_loop_lag_seconds{quantile="0.99"}'; NaN if absent. */
export async function scrapeMetrics(port: number): Promise<(name: string) => number> {
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return (name) => {
    const escaped = name.replace(/[{}"]/g, (c) => `\\${c}`);
    return Number(new RegExp(`^${escaped} (\\S+)$`, 'm').exec(body)?.[1] ?? Number.NaN);
  };
}
