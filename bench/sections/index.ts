/** The sections of `npm run bench`, in the order they run. */
import type { BenchSection } from '../lib/types';
import { compileSection } from './compile';

export const SECTIONS: BenchSection[] = [compileSection];
