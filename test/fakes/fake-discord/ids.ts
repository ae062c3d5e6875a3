// Snowflake ids for the fake Discord, and the shard that owns a guild.

const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/** Issues increasing snowflakes; each id advances the timestamp part by 1 ms so ids spread across shards. */
export class SnowflakeFactory {
  #ms = BigInt(Date.now()) - DISCORD_EPOCH_MS;
  #increment = 0n;

  next(): string {
    this.#ms += 1n;
    this.#increment = (this.#increment + 1n) & 0xfffn;
    return ((this.#ms << 22n) | this.#increment).toString();
  }
}

/** The shard id that owns a guild: (guild_id >> 22) % shardCount, as Discord routes it. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
