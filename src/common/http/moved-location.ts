/**
 * Where a moved resource is now: the old id's path segment replaced, the rest of the path
 * (sub-resources) and the query string kept.
 */
export function movedLocation(url: string, fromId: string, toId: string): string {
  const [path, ...query] = url.split('?');
  const moved = path
    .split('/')
    .map((segment) => (segment.toLowerCase() === fromId.toLowerCase() ? toId : segment))
    .join('/');
  return query.length > 0 ? `${moved}?${query.join('?')}` : moved;
}
