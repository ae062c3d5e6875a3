// The time source the store reads, so tests can move across UTC days and handle lifetimes.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}
