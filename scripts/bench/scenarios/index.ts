import { healthScenario } from './health';
import { membersListScenario } from './members-list';
import type { Scenario } from './types';

export type { BenchContext, LoadPlan, Scenario } from './types';

// Run in this order; the baseline first so that the ratios have a denominator.
export const SCENARIOS: readonly Scenario[] = [healthScenario, membersListScenario];
