/**
 * Progress of a simulation from the host's side: the program goes to the simulator through a named pipe, written
 * chunk by chunk (one per tile) as fast as the simulator reads it (flows/program-player.ts, writeProgram). The
 * writer asks for chunk k only after chunk k-2 has drained into the pipe; of those bytes, all but what the pipe and
 * the simulator's own read buffer can hold (`slackBytes`) have surely been read. Those bytes, mapped onto the tiles'
 * predicted cycles (a tile's cycles in proportion to its bytes read), are a cheap lower bound of the cycles
 * simulated, with no signal from the simulator itself. It lags by up to the slack and a tile's wait for `done`
 * (which reads no bytes), and is closest for the long runs it is for, whose tiles are far larger than the slack.
 */
import type { Meter } from './progress-meter.ts';

/**
 * A Linux pipe's buffer (64 KiB) and the simulator's stdio buffer behind $fread (glibc sizes it by the FIFO's block
 * size, 4 KiB; 8 KiB allowed for).
 */
export const PIPE_SLACK_BYTES = 72 * 1024;

/** How many chunks the writer holds or is writing beyond the ones that have surely drained into the pipe. */
const CHUNKS_IN_FLIGHT = 2;

/** The weight (cycles) of the first `bytes` bytes of the chunks of `sizes`, in proportion within a chunk. */
export function weightOfBytes(bytes: number, sizes: readonly number[], weights: readonly number[]): number {
  let left = bytes;
  let weight = 0;
  for (const [i, size] of sizes.entries()) {
    if (left <= 0) break;
    const taken = Math.min(left, size);
    weight += size === 0 ? (weights[i] ?? 0) : ((weights[i] ?? 0) * taken) / size;
    left -= taken;
  }
  return Math.floor(weight);
}

/** Yields `chunks` unchanged and updates `meter` with the weights (cycles) of the bytes surely read. */
export function* meteredChunks(chunks: Iterable<Uint8Array>, weights: readonly number[], meter: Meter, slackBytes = PIPE_SLACK_BYTES): Generator<Uint8Array> {
  const sizes: number[] = [];
  let drainedBytes = 0;
  for (const chunk of chunks) {
    const drained = sizes.length - CHUNKS_IN_FLIGHT;
    if (drained >= 0) {
      drainedBytes += sizes[drained] ?? 0;
      meter.update(weightOfBytes(drainedBytes - slackBytes, sizes, weights));
    }
    sizes.push(chunk.length);
    yield chunk;
  }
}
