import * as i18n from '@solid-primitives/i18n';

/**
 * English counts: `1 change(s)` reads "1 change", `3 change(s)` "3 changes", `2 person(s)` "2
 * people". A word marked `(s)` takes the number nearest before it in the same sentence (words
 * between are allowed: "2 more approval(s)", "1 open request(s)"); a word with no number before it
 * keeps its mark. Texts without the mark (Chinese) are returned as they are.
 */
export function resolvePlurals(text: string): string {
  if (!text.includes('(s)')) return text;
  return text.replace(/(\d+)((?:[ \u00a0]+[A-Za-z’'-]+)*?)[ \u00a0]+([A-Za-z]+)\(s\)/g, (_match, count: string, between: string, word: string) => {
    const many = Number(count) !== 1;
    const said = !many ? word : word === 'person' ? 'people' : `${word}s`;
    return `${count}${between} ${said}`;
  });
}

/**
 * The app's translators' resolver: the counts (placeholders given a number) go into the template
 * and its words marked `(s)` are resolved ({@link resolvePlurals}) before the other placeholders are
 * filled, so that a name someone typed ("3 copy(s)") is never rewritten.
 */
export const resolveWithPlurals: i18n.TemplateResolver = (template, ...args) => {
  const values = (args[0] ?? {}) as Record<string, unknown>;
  const counted = template.includes('(s)')
    ? resolvePlurals(template.replace(/{{\s*(\w+)\s*}}/g, (placeholder, key: string) => {
      const value = values[key];
      const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
      return /^\d[\d,]*$/.test(text) ? text : placeholder;
    }))
    : template;
  return i18n.resolveTemplate(counted, ...args);
};
