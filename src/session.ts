// A session owns the state of a piece of work: the intern table of the nodes it built, the
// size unifier in force, the lexer's whole words, its deadline. Its lifetime is the
// caller's: the library makes a fresh one per top-level call unless given one, so a
// long-running process (a server, a browser tab, an editor) frees what each call built.
// The base session holds what is loaded once and shared by all — the rules — and is where
// work runs when no session is active. This module only holds the pointer to the active
// one (a dynamic scope, set by `within`); the state itself lives in the Session objects.
// It imports nothing: each layer keeps its slot here, typed where it is used.

export interface SessionOptions {
  /** Work started in the session stops after this many seconds (a 'limit' error). */
  readonly timeLimit?: number;
}

export class Session {
  /** Milliseconds since the epoch after which work stops, or Infinity. */
  readonly deadline: number;
  readonly timeLimit: number;
  /** The intern table (src/expr/node.ts): buckets of nodes by identity hash. */
  readonly nodes = new Map<number, unknown[]>();
  /** The size unifier in force (src/expr/dims.ts); undefined: strict equality. */
  unifier: unknown = undefined;
  /** The words the lexer reads whole in the current parse (grammar/tokens.ts). */
  lexer: unknown = undefined;
  /** Calls of the deadline check, which reads the clock only every few thousand. */
  ticks = 0;

  constructor(options: SessionOptions = {}) {
    this.timeLimit = options.timeLimit ?? Infinity;
    this.deadline = Number.isFinite(this.timeLimit) ? Date.now() + this.timeLimit * 1000 : Infinity;
  }
}

/** The session of the rules, and of work outside any session; it lives as long as the process. */
export const BASE = new Session();

let active: Session = BASE;

export const currentSession = (): Session => active;

/** Runs `work` in a session (and back in the previous one afterwards, whatever happens). */
export function within<T>(session: Session, work: () => T): T {
  const saved = active;
  active = session;
  try {
    return work();
  } finally {
    active = saved;
  }
}
