// Explicit registries that fail loudly: an unknown name lists the known ones, a duplicate throws.

export class Registry<T> {
  private readonly items = new Map<string, T>();
  constructor(private readonly kind: string) {}

  register(name: string, item: T): void {
    if (this.items.has(name)) throw new Error(`${this.kind} '${name}' is registered twice`);
    this.items.set(name, item);
  }

  get(name: string): T {
    const item = this.items.get(name);
    if (!item) {
      throw new Error(`unknown ${this.kind} '${name}'; known: ${[...this.items.keys()].sort().join(', ')}`);
    }
    return item;
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  names(): string[] {
    return [...this.items.keys()].sort();
  }
}
