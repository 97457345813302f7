import type { RouteDefinition } from '@solidjs/router';
import { Home } from './Home';
import { NotFound } from './NotFound';

/**
 * Every screen of the app. Later screens are added here, lazily where they are heavy
 * (`component: lazy(() => import('./Stamping'))`; lazy chunks are precached all the same):
 * `/setup` (first administrator, one-time code), `/sign-in`, `/passkeys`, `/requests`,
 * `/requests/:id`, `/stamping/:grantId`, `/seals`, `/devices`, `/hq`. The catch-all stays last.
 */
export const routes: RouteDefinition[] = [
  { path: '/', component: Home },
  { path: '*404', component: NotFound },
];
