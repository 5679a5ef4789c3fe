// A pure function's latest answers, remembered: under load the same inputs come again and again (an integrator's
// key, a busy caller's number, a text fair use scanned just before intake classifies it), and recomputing them was
// a visible share of a submission's CPU. Bounded by `capacity`: the oldest answer is forgotten first (a Map keeps
// insertion order), so a stream of new inputs churns the memory but never grows it. Only for functions whose answer
// depends on the input alone.

export function rememberLatest<K, V>(compute: (input: K) => V, capacity: number): (input: K) => V {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  const latest = new Map<K, V>();
  return (input) => {
    if (latest.has(input)) return latest.get(input) as V;
    const value = compute(input);
    if (latest.size >= capacity) latest.delete(latest.keys().next().value as K);
    latest.set(input, value);
    return value;
  };
}
