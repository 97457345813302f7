import type { NavKey } from '../auth/navItems';

/** Outline icons of the navigation (24×24, stroked with the text colour); decorative: the label says it. */
const PATHS: Record<NavKey | 'more', string> = {
  home: 'M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10',
  requests: 'M7 3h7l5 5v13H7zM14 3v5h5M10 13h6M10 17h6',
  approvals: 'M4 12l5 5L20 6',
  stamp: 'M9 3h6v6l2 3H7l2-3zM5 15h14v3H5zM4 21h16',
  seals: 'M12 3a5 5 0 110 10 5 5 0 010-10zM8 13l-2 8h12l-2-8',
  hq: 'M4 21V8l8-5 8 5v13M9 21v-6h6v6M8 10h2M14 10h2',
  devices: 'M7 3h10v18H7zM11 18h2',
  archive: 'M3 5h18v4H3zM5 9v11h14V9M10 13h4',
  people: 'M9 11a3 3 0 100-6 3 3 0 000 6zM3 20c0-3 3-5 6-5s6 2 6 5M16 5a3 3 0 010 6M18 15c2 .5 3 2.5 3 5',
  units: 'M12 3v5M5 13v-3h14v3M4 13h3v4H4zM10 13h4v4h-4zM17 13h3v4h-3zM10 3h4v5h-4z',
  invitations: 'M3 6h18v12H3zM3 6l9 7 9-7',
  routes: 'M5 4a2 2 0 110 4 2 2 0 010-4zM19 16a2 2 0 110 4 2 2 0 010-4zM7 6h6a3 3 0 010 6h-2a3 3 0 000 6h6',
  webhooks: 'M8 12a4 4 0 118 0M12 12v9M5 17l3-5M19 17l-3-5',
  more: 'M5 12h.01M12 12h.01M19 12h.01',
};

export function NavIcon(props: { name: NavKey | 'more' }) {
  return (
    <svg class="app-nav-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
      <path d={PATHS[props.name]} fill="none" stroke="currentColor" stroke-width={props.name === 'more' ? 3 : 1.8} stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
