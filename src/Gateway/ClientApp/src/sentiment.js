// The diverging colour scale for change in sentiment: red where answers cost goodwill, blue where
// they gained it, neutral at no change. Shared by the heatmap, its legend and the table.
import { scaleDiverging } from 'd3-scale';
import { interpolateRdBu } from 'd3-scale-chromatic';

/** The seed's mapping moves sentiment by at most 2 per answer; a wider configured mapping widens the scale. */
const SEED_EXTENT = 2;

export function sentimentScale(cells) {
  const answered = cells.filter(c => c.feedback > 0).map(c => Math.abs(c.meanChangeSentiment));
  const extent = Math.max(SEED_EXTENT, ...answered);
  return scaleDiverging(interpolateRdBu).domain([-extent, 0, extent]).clamp(true);
}

/** True when a fill this far from neutral needs light text on it. */
export const needsLightText = (scale, mean) => Math.abs(mean) / scale.domain()[2] > 0.55;
