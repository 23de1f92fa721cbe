/** The sections of `npm run bench`, in the order they run. */
import type { BenchSection } from '../lib/types';
import { baselineSection } from './baseline';
import { compileSection } from './compile';
import { designerSection } from './designer';
import { flowableSection } from './flowable';
import { intakeSection } from './intake';
import { openCasesSection } from './open-cases';
import { queriesSection } from './queries';
import { scaleOutSection } from './scale-out';
import { timersSection } from './timers';

export const SECTIONS: BenchSection[] = [compileSection, designerSection, baselineSection, intakeSection, scaleOutSection, timersSection, openCasesSection, queriesSection, flowableSection];
