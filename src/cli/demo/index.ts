/** Demo sections, in the order `flowsteer demo` runs them. Each capability adds its own. */
import type { DemoSection } from './context.js';
import { flowSection } from './flow.js';
import { interpolateSection } from './interpolate.js';
import { classifySection } from './classify.js';
import { attentionSection } from './attention.js';
import { transportSection } from './transport.js';
import { diffusionSection } from './diffusion.js';
import { densitySection } from './density.js';
import { trainSection } from './train.js';
import { shallowSection } from './shallow.js';

export const demoSections: DemoSection[] = [flowSection, interpolateSection, classifySection, attentionSection, transportSection];
demoSections.push(diffusionSection);
demoSections.push(densitySection);
demoSections.push(trainSection);
demoSections.push(shallowSection);
