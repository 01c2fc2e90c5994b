// State belongs to a session (src/session.ts): a top-level call builds in a fresh one,
// which goes with its result; a caller may keep one to share work; the time limit is one's.
import { describe, expect, test } from '@jest/globals';
import { grad, hessian, MatcalcError, parse, Session } from '../src/index.js';
import { BASE } from '../src/session.js';

const baseSize = (): number => [...BASE.nodes.values()].reduce((total, bucket) => total + bucket.length, 0);

describe('sessions', () => {
  test('top-level calls leave nothing in the base session (a long-running process does not grow)', () => {
    grad("x'*A*x + tr(W*X)", 'x'); // the rules are loaded into the base once, on first use
    hessian("sum(tanh(W*x))", 'x');
    const before = baseSize();
    for (let i = 0; i < 30; i++) {
      const result = grad(`sum(tanh(W${i}*x${i})) + x${i}'*A${i}*x${i}`, `x${i}`);
      expect(result.verification.status).toBe('verified');
      void result.latex; // lazy forms render in the result's own session
      void result.code('numpy');
    }
    expect(baseSize()).toBe(before);
  });

  test('a kept session shares nodes across calls; separate calls do not', () => {
    const session = new Session();
    expect(parse("x'*A*x", { session }).expr).toBe(parse("x'Ax", { session }).expr);
    expect(parse("x'*A*x").expr).not.toBe(parse("x'Ax").expr);
    expect(parse("x'*A*x").text).toBe(parse("x'Ax").text);
  });

  test('the time limit is the session’s: work past it stops with a limit error', () => {
    let caught: unknown;
    try {
      // 400 layers: tens of thousands of new nodes, so the deadline is checked many times.
      const layers = Array.from({ length: 400 }, (_, i) => `h${i + 1} = tanh(W${i + 1}*${i === 0 ? 'x' : `h${i}`})`);
      grad(`sum(h400) where ${layers.reverse().join(', ')}`, 'W1', { timeLimit: 0.001, verify: false });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MatcalcError);
    expect((caught as MatcalcError).kind).toBe('limit');
    expect((caught as MatcalcError).message).toMatch(/stopped after the time limit of 0\.001 s/);
    expect(grad("x'*A*x", 'x').verification.status).toBe('verified'); // the next call has its own
  });
});
