import { describe, expect, it } from 'vitest';
import { LOCALE_STORAGE_KEY, initialLocale, matchLocale, readStoredLocale, storeLocale } from './locale';

function memoryStorage(initial: Record<string, string> = {}): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map(Object.entries(initial));
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}

const refusingStorage: Pick<Storage, 'getItem' | 'setItem'> = {
  getItem: () => {
    throw new DOMException('denied', 'SecurityError');
  },
  setItem: () => {
    throw new DOMException('denied', 'SecurityError');
  },
};

describe('matchLocale', () => {
  it.each([
    [['en-US'], 'en'],
    [['en-GB', 'zh-CN'], 'en'],
    [['zh-TW'], 'zh-CN'],
    [['zh-Hans-CN'], 'zh-CN'],
    [['fr-FR', 'en'], 'en'],
    [['fr-FR', 'de'], 'zh-CN'],
    [[], 'zh-CN'],
  ] as const)('%j → %s', (preferred, expected) => {
    expect(matchLocale(preferred)).toBe(expected);
  });
});

describe('stored locale', () => {
  it('wins over the browser languages', () => {
    expect(initialLocale(memoryStorage({ [LOCALE_STORAGE_KEY]: 'en' }), ['zh-CN'])).toBe('en');
  });

  it('is ignored when it is not a supported locale', () => {
    expect(readStoredLocale(memoryStorage({ [LOCALE_STORAGE_KEY]: 'xx' }))).toBeUndefined();
  });

  it('round-trips through storage', () => {
    const storage = memoryStorage();
    expect(storeLocale(storage, 'en')).toBe(true);
    expect(readStoredLocale(storage)).toBe('en');
  });

  it('degrades to the browser default when storage refuses access', () => {
    expect(initialLocale(refusingStorage, ['en-US'])).toBe('en');
    expect(storeLocale(refusingStorage, 'en')).toBe(false);
    expect(storeLocale(undefined, 'en')).toBe(false);
  });
});
