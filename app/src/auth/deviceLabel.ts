/**
 * A default name for a new passkey, from the browser's user agent: "Android · Chrome",
 * "iPad · Safari", "Windows · Edge". It tells the passkeys apart in the list; people can choose
 * their own when they add another. Empty when the agent says nothing useful: the server then
 * names the passkey itself, in both languages ("Passkey · 通行密钥 1").
 */
export function deviceLabel(userAgent: string): string {
  const platform = /iPad/.test(userAgent)
    ? 'iPad'
    : /iPhone/.test(userAgent)
      ? 'iPhone'
      : /Android/.test(userAgent)
        ? 'Android'
        : /CrOS/.test(userAgent)
          ? 'ChromeOS'
          : /Windows/.test(userAgent)
            ? 'Windows'
            : /Mac OS X|Macintosh/.test(userAgent)
              ? 'macOS'
              : /Linux/.test(userAgent)
                ? 'Linux'
                : undefined;
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /HuaweiBrowser/.test(userAgent)
      ? 'Huawei Browser'
      : /Chromium\//.test(userAgent)
        ? 'Chromium'
        : /HeadlessChrome|Chrome\//.test(userAgent)
          ? 'Chrome'
          : /Firefox\//.test(userAgent)
            ? 'Firefox'
            : /Safari\//.test(userAgent)
              ? 'Safari'
              : undefined;
  return [platform, browser].filter(Boolean).join(' · ');
}
