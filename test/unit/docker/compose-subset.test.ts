import { describe, expect, it } from 'vitest';
import { ComposeSubsetError, interpolate, parseComposeSubset } from './compose-subset.js';

describe('parseComposeSubset', () => {
  it('reads nested maps, lists, quotes, comments and empty entries', () => {
    const text = [
      '# header',
      'services:',
      '  a:',
      '    image: img:1 # trailing comment',
      '    ports:',
      '      - "127.0.0.1:1:2"',
      "      - 'x # not a comment'",
      '    environment:',
      '      K: v#1',
      'volumes:',
      '  d:',
    ].join('\n');
    expect(parseComposeSubset(text)).toEqual({
      services: { a: { image: 'img:1', ports: ['127.0.0.1:1:2', 'x # not a comment'], environment: { K: 'v#1' } } },
      volumes: { d: null },
    });
  });

  it('interpolates ${VAR} and ${VAR:-default} like compose', () => {
    expect(interpolate('${A:-x}/${B}/${C:-y}', { A: 'a', C: '' })).toBe('a//y');
    expect(parseComposeSubset('k: "${P:-80}:8080"', { P: '1' })).toEqual({ k: '1:8080' });
  });

  it('refuses what is outside the subset, naming the line', () => {
    for (const bad of ['a: &x 1', 'a: [1, 2]', 'a: {b: 1}', 'a: |', 'a:\n\tb: 1', 'a: 1\na: 2', 'a:\n  - x\n   - y']) {
      expect(() => parseComposeSubset(bad), bad).toThrow(ComposeSubsetError);
    }
    expect(() => parseComposeSubset('a: 1\n  b: 2')).toThrow(/line 2/);
  });
});
