// Admission to the tokenizer threads: a small request never waits behind large ones, and neither kind
// queues without bound. Large requests (body over `smallBytes`) may hold all threads but one, so the last
// thread is always free for small ones; each kind has its own queue of `maxQueue`, past which the caller
// answers 503 with a Retry-After estimated from recent service times.

export interface AdmissionOptions {
  threads: number;
  smallBytes: number;
  maxQueue: number;
}

type Kind = 'small' | 'large';

interface Waiter {
  kind: Kind;
  grant: (release: () => void) => void;
  refuse: (reason: Error) => void;
}

export class QueueFullError extends Error {
  constructor(
    readonly kind: Kind,
    readonly retryAfterSeconds: number,
  ) {
    super(`the ${kind}-request queue is full`);
    this.name = 'QueueFullError';
  }
}

export class ShuttingDownError extends Error {
  constructor() {
    super('the service is shutting down');
    this.name = 'ShuttingDownError';
  }
}

export class Admission {
  private running = { small: 0, large: 0 };
  private readonly queues: Record<Kind, Waiter[]> = { small: [], large: [] };
  private readonly largeCap: number;
  // Mean seconds a request of each kind holds a thread (exponentially weighted), for Retry-After.
  private readonly meanSeconds: Record<Kind, number> = { small: 0.01, large: 1 };
  private closed = false;

  constructor(private readonly opts: AdmissionOptions) {
    this.largeCap = Math.max(1, opts.threads - 1);
  }

  kindOf(bodyBytes: number): Kind {
    return bodyBytes <= this.opts.smallBytes ? 'small' : 'large';
  }

  /** Resolves with a release function once a thread is free for this kind; rejects when the queue is full. */
  acquire(kind: Kind): Promise<() => void> {
    if (this.closed) return Promise.reject(new ShuttingDownError());
    if (this.queues[kind].length === 0 && this.canStart(kind)) return Promise.resolve(this.start(kind));
    if (this.queues[kind].length >= this.opts.maxQueue) return Promise.reject(new QueueFullError(kind, this.retryAfter(kind)));
    return new Promise((grant, refuse) => this.queues[kind].push({ kind, grant, refuse }));
  }

  /** Requests running and waiting, by kind. */
  load(): { running: { small: number; large: number }; queued: { small: number; large: number } } {
    return { running: { ...this.running }, queued: { small: this.queues.small.length, large: this.queues.large.length } };
  }

  /** Refuse everything queued and anything asked later (shutdown); running requests finish or are cut off by the caller. */
  close(): void {
    this.closed = true;
    for (const kind of ['small', 'large'] as const) for (const w of this.queues[kind].splice(0)) w.refuse(new ShuttingDownError());
  }

  private canStart(kind: Kind): boolean {
    if (this.running.small + this.running.large >= this.opts.threads) return false;
    return kind === 'small' || this.running.large < this.largeCap;
  }

  private start(kind: Kind): () => void {
    this.running[kind]++;
    const t0 = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running[kind]--;
      this.meanSeconds[kind] = 0.8 * this.meanSeconds[kind] + 0.2 * ((performance.now() - t0) / 1000);
      this.dispatch();
    };
  }

  private dispatch(): void {
    // Small requests first: they are what must stay fast.
    for (const kind of ['small', 'large'] as const) {
      while (this.queues[kind].length > 0 && this.canStart(kind)) this.queues[kind].shift()!.grant(this.start(kind));
    }
  }

  private retryAfter(kind: Kind): number {
    const lanes = kind === 'small' ? this.opts.threads : this.largeCap;
    return Math.max(1, Math.ceil((this.meanSeconds[kind] * (this.queues[kind].length + lanes)) / lanes));
  }
}
