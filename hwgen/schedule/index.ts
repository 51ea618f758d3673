/** Column schedulers for hybrid ANN/SNN layers: see README.md in this folder. */
export { applySchedule, machinesOf, meanCosts } from './calibration.ts';
export { fractionalAssignment, makespanLowerBound } from './lower-bound.ts';
export { type ScheduleOptions, schedule } from './policies.ts';
export { assertValidSchedule, checkSchedule, summarize } from './summary.ts';
export type { ColumnCosts, CoreKind, Machines, PolicyName, Schedule, ScheduledCore, ScheduleSummary } from './types.ts';
