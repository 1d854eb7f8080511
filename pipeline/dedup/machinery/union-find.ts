// Union-find over documents where every set's root is its smallest document by the keep order, so the
// root is the document kept. Node `size - 1` may be a virtual "index" node that sorts before everything.

export class KeepOrderUnionFind {
  readonly parent: Uint32Array;

  /** `less(a, b)`: does document a come before b in keep order. */
  constructor(readonly size: number, private readonly less: (a: number, b: number) => boolean) {
    this.parent = new Uint32Array(size);
    for (let i = 0; i < size; i++) this.parent[i] = i;
  }

  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]]; // path halving
      x = p[x];
    }
    return x;
  }

  union(a: number, b: number): void {
    const ra = this.find(a), rb = this.find(b);
    if (ra === rb) return;
    if (this.less(ra, rb)) this.parent[rb] = ra;
    else this.parent[ra] = rb;
  }
}
