// Several cost sources as one (AWS and GCP): each is asked at once; one that fails leaves a note
// ("GCP billing export: unavailable (reason)") while the others' costs still make the digest.
import { type CostData, type CostQuery, type CostSource, CostSourceError, type Forecast } from './costSource.ts';

function mergeForecasts(parts: { name: string; forecast: Forecast }[], notes: string[]): Forecast {
  const forecasting = parts.filter(
    (p): p is { name: string; forecast: Exclude<Forecast, { omitted: string }> } => !('omitted' in p.forecast),
  );
  for (const p of parts) if ('omitted' in p.forecast) notes.push(`month-end forecast leaves out ${p.name}: ${p.forecast.omitted}`);
  if (!forecasting.length) return { omitted: 'no source could forecast the month end' };
  return {
    monthToDate: forecasting.reduce((sum, p) => sum + p.forecast.monthToDate, 0),
    monthEnd: forecasting.reduce((sum, p) => sum + p.forecast.monthEnd, 0),
  };
}

export function combinedSource(sources: CostSource[]): CostSource {
  return {
    name: sources.map((s) => s.name).join(' + '),
    async costs(query: CostQuery): Promise<CostData> {
      const answers = await Promise.allSettled(sources.map((s) => s.costs(query)));
      const notes: string[] = [];
      const parts: { name: string; data: CostData }[] = [];
      answers.forEach((answer, i) => {
        const name = sources[i]!.name;
        if (answer.status === 'fulfilled') parts.push({ name, data: answer.value });
        else if (answer.reason instanceof CostSourceError) notes.push(`${name}: unavailable (${answer.reason.message})`);
        else throw answer.reason;
      });
      if (!parts.length) throw new CostSourceError(notes.join('; '));
      const forecast = mergeForecasts(
        parts.map((p) => ({ name: p.name, forecast: p.data.forecast })),
        notes,
      );
      return {
        account: parts.map((p) => p.data.account).join(' + '),
        demo: parts.every((p) => p.data.demo),
        usage: parts.flatMap((p) => p.data.usage),
        adjustments: parts.flatMap((p) => p.data.adjustments),
        gpu: parts.flatMap((p) => p.data.gpu),
        usageTypes: parts.flatMap((p) => p.data.usageTypes ?? []),
        forecast,
        requests: parts.reduce((sum, p) => sum + p.data.requests, 0),
        notes: [...parts.flatMap((p) => p.data.notes ?? []), ...notes],
      };
    },
  };
}
