import { axisTicks } from './LineChart';

describe('axisTicks', () => {
  it.each([
    [0, [0, 1]],
    [1, [0, 1]],
    [2, [0, 1, 2]],
    [3, [0, 2, 4]],
    [37, [0, 20, 40]],
    [100, [0, 50, 100]],
    [1001, [0, 1000, 2000]],
  ])('max %d → %j', (max, expected) => {
    expect(axisTicks(max)).toEqual(expected);
  });

  it('gives distinct integer gridlines that reach the maximum, for any count', () => {
    for (let max = 0; max <= 5000; max++) {
      const ticks = axisTicks(max);
      expect(new Set(ticks).size).toBe(ticks.length);
      expect(ticks.every(Number.isInteger)).toBe(true);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(3);
    }
  });
});
