import { can, type Action, type Role, type TreeUnit, type UnitId, type User, type UserId } from '@seal/shared';

/** The places the navigation leads to. */
export type NavKey = 'home' | 'requests' | 'approvals' | 'stamp' | 'seals' | 'devices' | 'hq' | 'archive' | 'people' | 'units' | 'invitations' | 'routes' | 'webhooks';

export interface NavItem {
  readonly key: NavKey;
  readonly href: string;
}

/**
 * Who finds each place: someone who may do one of `actions` on a unit they hold a role on (the
 * policy's `can`, so the navigation and the server agree), or who holds one of `roles`. Listed in
 * the order the navigation shows them; a phone's bottom bar shows the first few it keeps.
 */
const DESTINATIONS: readonly { readonly key: NavKey; readonly href: string; readonly actions?: readonly Action[]; readonly roles?: readonly Role[] }[] = [
  { key: 'home', href: '/' },
  // Staff see their own requests; whoever reads the log (custodian, admin, auditor) the requests of their units.
  { key: 'requests', href: '/requests', actions: ['request.create', 'log.read'] },
  { key: 'approvals', href: '/approvals', actions: ['request.decide'] },
  { key: 'stamp', href: '/stamp', actions: ['stamp.perform'] },
  { key: 'seals', href: '/seals', actions: ['seal.update', 'log.read'] },
  { key: 'hq', href: '/hq', actions: ['log.read'] },
  { key: 'devices', href: '/devices', actions: ['device.provision', 'log.read'] },
  { key: 'archive', href: '/archive', actions: ['log.read'] },
  // Auditors read the people list (`GET /api/users`) and change nobody.
  { key: 'people', href: '/admin/people', actions: ['user.manage'], roles: ['auditor'] },
  { key: 'units', href: '/admin/units', actions: ['unit.manage'] },
  { key: 'invitations', href: '/admin/invitations', actions: ['user.invite'] },
  // Which changes of a seal need approval, and by whom (ADR 009).
  { key: 'routes', href: '/admin/routes', actions: ['unit.manage'] },
  { key: 'webhooks', href: '/admin/webhooks', actions: ['unit.manage'] },
];

/**
 * The places `user` may go, in navigation order: each one their roles allow on some unit they
 * hold a role on. `units` is the organisation tree as known (a unit of a grant missing from it —
 * offline, before the directory arrived — still counts as the root of its own subtree). A
 * deactivated user is shown only home.
 */
export function navItems(user: User | undefined, units: readonly TreeUnit[]): NavItem[] {
  if (user === undefined) return [];
  const known = new Set(units.map((u) => u.id));
  const tree: TreeUnit[] = [...units, ...user.grants.filter((g) => !known.has(g.unitId)).map((g) => ({ id: g.unitId, parentId: null }))];
  // The place is for work on others' requests and one's own grants: a request of someone else, a grant held by the user.
  const target = (unitId: string) => ({ unitId: unitId as UnitId, requesterId: `${user.id}:someone-else` as UserId, holderId: user.id });
  const allowed = (action: Action): boolean => user.grants.some((g) => can(user, action, target(g.unitId), tree).ok);
  return DESTINATIONS.filter((d) => {
    if (d.actions === undefined) return true;
    if (!user.active) return false;
    return d.actions.some(allowed) || (d.roles ?? []).some((role) => user.grants.some((g) => g.role === role));
  }).map(({ key, href }) => ({ key, href }));
}

/** How many places a phone's bottom bar shows before "More". */
export const BOTTOM_BAR_SLOTS = 4;

/** The bottom bar's split: the first places in order, the rest behind "More" (none when all fit). */
export function bottomBar(items: readonly NavItem[]): { readonly shown: readonly NavItem[]; readonly more: readonly NavItem[] } {
  if (items.length <= BOTTOM_BAR_SLOTS + 1) return { shown: items, more: [] };
  return { shown: items.slice(0, BOTTOM_BAR_SLOTS), more: items.slice(BOTTOM_BAR_SLOTS) };
}

/** The item whose place `pathname` lies in (the longest matching href; home only for `/`). */
export function currentItem(items: readonly NavItem[], pathname: string): NavKey | undefined {
  let best: NavItem | undefined;
  for (const item of items) {
    const inside = item.href === '/' ? pathname === '/' : pathname === item.href || pathname.startsWith(`${item.href}/`);
    if (inside && (best === undefined || item.href.length > best.href.length)) best = item;
  }
  return best?.key;
}
