/** Cleaning up history lines for display. */

const NOP = '/bin/sh -c #(nop) ';

/** `/bin/sh -c #(nop)  CMD ["sh"]` → `CMD ["sh"]`; shell steps keep their command. */
export function cleanCreatedBy(createdBy: string): string {
  const s = createdBy.trim();
  const i = s.indexOf(NOP.trim());
  if (i === 0) return s.slice(NOP.trim().length).trim();
  return s;
}

/** JSON text pretty-printed with two spaces; text that is not JSON is returned as it is. */
export function prettyJson(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}
