// Numbers as the planning calculators print them: money people can read at a glance, durations in
// the unit that fits, bandwidth in decimal GB/s as storage and network vendors quote it.

/**
 * A number rounded to fractionDigits, with comma thousands separators: 1234567 → "1,234,567".
 * Not toLocaleString: the first Intl call loads ICU's data, ~25 ms of a Lambda cold start.
 */
export function grouped(value: number, fractionDigits = 0): string {
  const [whole = '', fraction] = Math.abs(value).toFixed(fractionDigits).split('.');
  const sign = value < 0 && /[1-9]/.test(whole + (fraction ?? '')) ? '-' : '';
  return `${sign}${whole.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`;
}

export function money(dollars: number): string {
  if (dollars < 0) return `−${money(-dollars)}`;
  const abs = Math.abs(dollars);
  if (abs >= 1e6) return `$${(dollars / 1e6).toFixed(abs >= 1e7 ? 1 : 2)}M`;
  if (abs >= 1000) return `$${grouped(dollars)}`;
  if (abs >= 0.01 || abs === 0) return `$${dollars.toFixed(2)}`;
  return `$${dollars.toPrecision(2)}`;
}

export function hourlyPrice(dollars: number): string {
  if (dollars >= 1000) return `$${grouped(dollars, 2)}/h`;
  return `$${dollars < 1 ? dollars.toFixed(3) : dollars.toFixed(2)}/h`;
}

export function duration(seconds: number): string {
  if (seconds < 1) return `${(seconds * 1000).toPrecision(3)} ms`;
  if (seconds < 120) return `${seconds.toPrecision(3)} s`;
  if (seconds < 2 * 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 72 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

export function hours(h: number): string {
  return `${h >= 100 ? grouped(h) : h.toFixed(1)} h`;
}

export function bandwidth(bytesPerSecond: number): string {
  const gb = bytesPerSecond / 1e9;
  if (gb >= 1) return `${gb.toFixed(gb < 10 ? 2 : 1)} GB/s`;
  if (bytesPerSecond >= 1e6) return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
  return `${(bytesPerSecond / 1e3).toFixed(1)} kB/s`;
}

export function bytes(count: number): string {
  const gb = count / 1e9;
  if (gb >= 1000) return `${(gb / 1000).toFixed(2)} TB`;
  if (gb >= 1) return `${gb.toFixed(gb < 10 ? 2 : 1)} GB`;
  return `${(count / 1e6).toFixed(1)} MB`;
}

export function percent(fraction: number, digits = 0): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** 1.5e12 → 1.5T, 7e9 → 7B, 50000 → 50K */
export function count(n: number): string {
  for (const [size, suffix] of [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ] as const) {
    if (n >= size) return `${Number((n / size).toPrecision(3))}${suffix}`;
  }
  return `${Number(n.toPrecision(3))}`;
}

export function flops(n: number): string {
  const exponent = Math.floor(Math.log10(n));
  return `${(n / 10 ** exponent).toFixed(2)}e${exponent} FLOP`;
}

/** Where a resource lives, as " (account/region)", or "" when only one place is read. */
export function placeOf(resource: { account?: string; region?: string }): string {
  const place = [resource.account, resource.region].filter(Boolean).join('/');
  return place ? ` (${place})` : '';
}

/** A moment as "2026-11-23 08:00 UTC" (epoch ms or ISO). */
export function utcMinute(at: number | string): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A moment's UTC day, "2026-11-23" (epoch ms or ISO). */
export function utcDay(at: number | string): string {
  return new Date(at).toISOString().slice(0, 10);
}
