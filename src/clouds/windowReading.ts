// One reading per window, shared by the parts of a run that ask for it (the idle scan's endpoints
// and rightsizing's serving loads read the same listing and metrics). A failed read is not kept:
// the next one asks again.
export function sharedPerWindow<T>(read: (start: string, end: string) => Promise<T>): (start: string, end: string) => Promise<T> {
  const readings = new Map<string, Promise<T>>();
  return (start, end) => {
    const key = `${start}/${end}`;
    let reading = readings.get(key);
    if (!reading) {
      reading = read(start, end);
      readings.set(key, reading);
      reading.catch(() => readings.delete(key));
    }
    return reading;
  };
}
