import { A, useLocation } from '@solidjs/router';
import { For, Show, createEffect, createMemo, createSignal, on, onCleanup } from 'solid-js';
import { useAuth } from '../auth/AuthProvider';
import { actorFromSession } from '../auth/actorFromSession';
import { bottomBar, currentItem, navItems, type NavItem, type NavKey } from '../auth/navItems';
import { useI18n } from '../i18n/I18nProvider';
import { useDirectory } from '../org/DirectoryProvider';
import { NavIcon } from './NavIcon';
import './appNav.css';

/** Keeps `--app-header-h` at the header's height, so the rail sticks just below it. */
function trackHeaderHeight(): void {
  const header = document.querySelector<HTMLElement>('.app-header');
  if (header === null || typeof ResizeObserver === 'undefined') return;
  const observer = new ResizeObserver(() => document.documentElement.style.setProperty('--app-header-h', `${header.offsetHeight}px`));
  observer.observe(header);
  onCleanup(() => observer.disconnect());
}

function NavLink(props: { item: NavItem; current: NavKey | undefined; onClick?: () => void }) {
  const { t } = useI18n();
  return (
    <A href={props.item.href} class="app-nav-link" end={props.item.href === '/'} aria-current={props.current === props.item.key ? 'page' : undefined} data-nav={props.item.key} onClick={() => props.onClick?.()}>
      <NavIcon name={props.item.key} />
      <span class="app-nav-label">{t(`appNav.${props.item.key}`)}</span>
    </A>
  );
}

/**
 * The persistent navigation of a signed-in person: a side rail on tablets and desktops, a bottom
 * bar on phones (the first places, the rest behind "More"). It shows only the places the
 * person's roles allow (`navItems`, through the policy's `can`); the server still checks every call.
 */
export function AppNav() {
  const { t } = useI18n();
  const auth = useAuth();
  const directory = useDirectory();
  const location = useLocation();
  const items = createMemo(() => {
    const user = auth.session()?.user;
    return navItems(user === undefined ? undefined : actorFromSession(user), directory.units());
  });
  const current = () => currentItem(items(), location.pathname);
  const split = createMemo(() => bottomBar(items()));
  const [moreOpen, setMoreOpen] = createSignal(false);
  // Going somewhere closes "More".
  createEffect(on(() => location.pathname, () => setMoreOpen(false), { defer: true }));
  trackHeaderHeight();
  const moreCurrent = () => split().more.some((i) => i.key === current());
  return (
    <Show when={items().length > 1}>
      <nav class="app-nav" aria-label={t('appNav.label')} data-testid="app-nav">
        {/* Wide screens: every place in a rail. */}
        <ul class="app-nav-rail">
          <For each={items()}>{(item) => <li><NavLink item={item} current={current()} /></li>}</For>
        </ul>
        {/* Phones: the bottom bar. */}
        <ul class="app-nav-bar">
          <For each={split().shown}>{(item) => <li><NavLink item={item} current={current()} /></li>}</For>
          <Show when={split().more.length > 0}>
            <li class="app-nav-more">
              <button type="button" class="app-nav-link" aria-expanded={moreOpen()} aria-controls="app-nav-more-list" aria-current={moreCurrent() ? 'page' : undefined} data-nav="more" onClick={() => setMoreOpen(!moreOpen())}>
                <NavIcon name="more" />
                <span class="app-nav-label">{t('appNav.more')}</span>
              </button>
              <ul id="app-nav-more-list" class="app-nav-more-list" aria-label={t('appNav.moreLabel')} hidden={!moreOpen()}>
                <For each={split().more}>{(item) => <li><NavLink item={item} current={current()} onClick={() => setMoreOpen(false)} /></li>}</For>
              </ul>
            </li>
          </Show>
        </ul>
      </nav>
    </Show>
  );
}
