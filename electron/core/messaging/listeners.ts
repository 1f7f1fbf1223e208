/** A tiny typed listener set: no string event names, and a throwing listener never breaks the others. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(value: T, onError?: (err: unknown) => void): void {
    for (const listener of [...this.set]) {
      try {
        listener(value);
      } catch (err) {
        onError?.(err);
      }
    }
  }
}
