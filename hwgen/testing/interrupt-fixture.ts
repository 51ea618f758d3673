/**
 * A stand-in for a long hwgen run, for hwgen/util/interrupts.test.ts: registers a scratch folder, an action (which
 * releases the folder once the signal arrived) and a detached child that ignores SIGTERM (so only the SIGKILL after
 * the grace ends it), prints the child's process group as one JSON line, and waits for a signal.
 * Usage: node --import tsx interrupt-fixture.ts SCRATCH_DIR MARKER_FILE
 */
import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { inOwnProcessGroup, removeOnInterrupt, runOnInterrupt } from '../util/interrupts.ts';

const [scratch, marker] = process.argv.slice(2);
if (scratch === undefined || marker === undefined) throw new Error('usage: interrupt-fixture.ts SCRATCH_DIR MARKER_FILE');
const forgetScratch = removeOnInterrupt(scratch);
runOnInterrupt(() => {
  writeFileSync(marker, 'ran');
  // As a flow does whose tool the interrupt killed: it gives its folder up on the way out, which must still go.
  forgetScratch();
});
// An ignored signal stays ignored across exec: neither sh nor its sleep ends on SIGTERM.
const child = execa('sh', ['-c', 'trap "" TERM; sleep 120 & wait'], { detached: true, stdin: 'ignore', reject: false });
const running = inOwnProcessGroup(child);
process.stdout.write(`${JSON.stringify({ pgid: child.pid })}\n`);
await running;
