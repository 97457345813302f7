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

/** `i18n.resolveTemplate`, then {@link resolvePlurals}: the app's translators fill placeholders and then choose singular or plural. */
export const resolveWithPlurals: i18n.TemplateResolver = (template, ...args) => resolvePlurals(i18n.resolveTemplate(template, ...args));
