/** Every rule Berth knows, in code order. */
import type { Rule } from '../types';
import { APT_RULES } from './apt';
import { INSTRUCTION_RULES } from './instructions';
import { LABEL_RULES } from './labels';
import { PACKAGE_RULES } from './packages';
import { SHELL_RULES } from './shellRules';

export const ALL_RULES: readonly Rule[] = [...APT_RULES, ...INSTRUCTION_RULES, ...PACKAGE_RULES, ...SHELL_RULES, ...LABEL_RULES].sort((a, b) => a.code.localeCompare(b.code));
