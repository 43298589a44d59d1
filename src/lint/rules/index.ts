/** Every rule Berth knows, in code order. */
import type { Rule } from '../types';
import { APT_RULES } from './apt';

export const ALL_RULES: readonly Rule[] = [...APT_RULES].sort((a, b) => a.code.localeCompare(b.code));
