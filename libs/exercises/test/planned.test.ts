import { describe, expect, it } from 'vitest';
import { PLANNED_CHAPTERS } from '../src/index.js';

describe('exercise plan', () => {
  it('lists ten distinct chapters', () => {
    expect(new Set(PLANNED_CHAPTERS).size).toBe(10);
  });
});
