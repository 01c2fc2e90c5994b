// The tokenizer (grammar/tokens.ts) reads text as chevrotain's own Lexer would over the same
// token definitions: first definition that matches, skipped groups dropped, one error at the
// start of each run of characters nothing matches. chevrotain's Lexer is built here only,
// with its validations on, as the reference.
import { describe, expect, test } from '@jest/globals';
import { createToken, Lexer, type TokenType } from 'chevrotain';
import fc from 'fast-check';
import { allTokens, type LexMode, setLexContext, tokenize } from '../../grammar/tokens.js';

/** The same definitions as chevrotain tokens. */
const chevrotainTokens: TokenType[] = allTokens.map((t) =>
  createToken({ name: t.name, pattern: t.PATTERN, ...(t.skipped ? { group: Lexer.SKIPPED } : {}), ...(typeof t.PATTERN === 'function' ? { line_breaks: false } : {}) }),
);
const reference = new Lexer(chevrotainTokens, { positionTracking: 'onlyOffset', safeMode: true });

const MODES: LexMode[] = ['expression', 'rules', 'batch'];
/** Pieces of what people write, and of what nothing reads, glued at random. */
const PIECES = [
  ' ', '\t', '\n', 'x', 'A', 'Ax', 'W_{12}', 'W₁', 'b_2', 'θ_1', 'λ', 'sigma', 'Phi', 'where', 'ones_n', '𝟙₃', 'if', 'wrt', 'grad', 'hessian',
  'tr', 'Tr(', 'log', 'det', 'ReLU(', 'foo(', 'ABC(', 'd(', '0_{n×m}', '0_n', '12', '3.5e-2', '.5', '½', "'", 'ᵀ', '^T', '^{-1}', '^-T', '⁻¹', '.T',
  '²', '.^', '.*', './', '^', '∘', '⊗', '*', '·', '@', '×', '/', '+', '-', '−', '(', ')', '‖', '||', '|', '_F', '₂', ',', ';', ':', '=', '#', '`',
  '- ', '1. ', '> ', '$', '?', '\u0007', '{', '}', '[', '\\',
];

const lexed = (text: string, mode: LexMode) => {
  setLexContext({ declared: new Set(['Wx']), differentials: mode === 'rules', mode });
  const ours = tokenize(text);
  const theirs = reference.tokenize(text);
  return {
    ours: { tokens: ours.tokens.map((t) => [t.tokenType.name, t.image, t.startOffset]), errors: ours.errors.map((e) => e.offset) },
    theirs: { tokens: theirs.tokens.map((t) => [t.tokenType.name, t.image, t.startOffset]), errors: theirs.errors.map((e) => e.offset) },
  };
};

describe('tokenize', () => {
  test('reads what people write as chevrotain reads it', () => {
    const { ours, theirs } = lexed("x'*A*x + tr(W_{12}ᵀ X) where x: n; A: n×n symmetric", 'expression');
    expect(ours).toEqual(theirs);
    expect(ours.tokens.length).toBeGreaterThan(15);
  });

  test('marks the first character nothing reads', () => {
    const { ours, theirs } = lexed('x + $y ?? z', 'expression');
    expect(ours.errors).toEqual([4, 7]);
    expect(ours).toEqual(theirs);
  });

  test('agrees with chevrotain on random text in every mode', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }), fc.constantFrom(...MODES), (pieces, mode) => {
        const { ours, theirs } = lexed(pieces.join(''), mode);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 2000 },
    );
  });
});
