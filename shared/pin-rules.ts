/**
 * The trivial-PIN rule, pure and shared: the renderer refuses such a PIN as soon as it is typed
 * (before asking for it twice), and the core applies the very same rule when it stores one.
 */
export function isTrivialPin(pin: string): boolean {
  const d = [...pin].map(Number);
  const stepsBy = (step: number) => d.every((v, i) => i === 0 || v === ((d[i - 1] as number) + step + 10) % 10);
  if (stepsBy(0) || stepsBy(1) || stepsBy(-1)) return true;
  for (const period of [2, 3]) {
    if (pin.length % period === 0 && pin === pin.slice(0, period).repeat(pin.length / period)) return true;
  }
  return false;
}
