import { movedLocation } from './moved-location.js';

describe(movedLocation.name, () => {
  const from = '0b1e2f3a-4c5d-5e6f-8a7b-9c0d1e2f3a4b';
  const to = '3b241101-e2bb-5255-8caf-4136c566a962';

  it.each([
    ['the asset itself', `/assets/${from}`, `/assets/${to}`],
    ['a sub-resource', `/assets/${from}/history`, `/assets/${to}/history`],
    ['the query string', `/assets/${from}?limit=5&q=a?b`, `/assets/${to}?limit=5&q=a?b`],
    ['an upper-case id', `/assets/${from.toUpperCase()}`, `/assets/${to}`],
    ['a prefix before the path', `/api/v1/assets/${from}`, `/api/v1/assets/${to}`],
  ])('should keep %s', (_what, url, expected) => {
    expect(movedLocation(url, from, to)).toBe(expected);
  });

  it('should replace only whole path segments, never the query', () => {
    expect(movedLocation(`/assets/${from}x?asset_id=${from}`, from, to)).toBe(`/assets/${from}x?asset_id=${from}`);
  });
});
