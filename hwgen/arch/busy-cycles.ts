/** Running union of busy intervals, for the cores' `cnt_busy` predictions; intervals arrive in order of their start. */
export class BusyCycles {
  private total = 0;
  private start = 0;
  private end = -1;

  add(from: number, to: number): void {
    if (from > this.end + 1) {
      this.total += this.end - this.start + 1;
      this.start = from;
    }
    this.end = Math.max(this.end, to);
  }

  count(): number {
    return this.total + this.end - this.start + 1;
  }
}
