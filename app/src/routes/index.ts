import type { RouteDefinition } from '@solidjs/router';
import { lazy } from 'solid-js';
import { Invitations } from './admin/Invitations';
import { Units } from './admin/Units';
import { Devices } from './Devices';
import { Home } from './Home';
import { Join } from './Join';
import { NotFound } from './NotFound';
import { Passkeys } from './Passkeys';
import { Setup } from './Setup';
import { SignIn } from './SignIn';
import { Approvals } from './requests/Approvals';
import { NewRequest } from './requests/NewRequest';
import { RequestDetail } from './requests/RequestDetail';
import { Requests } from './requests/Requests';

// The stamping screen (the Bluetooth client, the device session, electronic stamping) loads when
// opened; like every lazy chunk it is precached, so a tablet offline for days still has it.
const Stamp = lazy(() => import('./stamp/Stamp').then((m) => ({ default: m.Stamp })));
const Seals = lazy(() => import('./seals/Seals').then((m) => ({ default: m.Seals })));
const Notifications = lazy(() => import('./notifications/Notifications').then((m) => ({ default: m.Notifications })));
const DeviceDetail = lazy(() => import('./devices/DeviceDetail').then((m) => ({ default: m.DeviceDetail })));
const SealDetail = lazy(() => import('./seals/SealDetail').then((m) => ({ default: m.SealDetail })));
// Headquarters reads across sites, online mostly: its screens (and the charts library) load on demand.
const HqLog = lazy(() => import('./hq/HqLog').then((m) => ({ default: m.HqLog })));
const HqDashboard = lazy(() => import('./hq/HqDashboard').then((m) => ({ default: m.HqDashboard })));
const StampEvidence = lazy(() => import('./hq/evidence/StampEvidence').then((m) => ({ default: m.StampEvidence })));
const RequestEvidence = lazy(() => import('./hq/evidence/RequestEvidence').then((m) => ({ default: m.RequestEvidence })));
const SealLedger = lazy(() => import('./hq/evidence/SealLedger').then((m) => ({ default: m.SealLedger })));
const HqCases = lazy(() => import('./hq/cases/HqCases').then((m) => ({ default: m.HqCases })));
const CaseDetail = lazy(() => import('./hq/cases/CaseDetail').then((m) => ({ default: m.CaseDetail })));
const People = lazy(() => import('./admin/People').then((m) => ({ default: m.People })));
const UnitEdit = lazy(() => import('./admin/UnitEdit').then((m) => ({ default: m.UnitEdit })));
const ApprovalRoutes = lazy(() => import('./admin/ApprovalRoutes').then((m) => ({ default: m.ApprovalRoutes })));
const Webhooks = lazy(() => import('./admin/Webhooks').then((m) => ({ default: m.Webhooks })));
const Archive = lazy(() => import('./archive/Archive').then((m) => ({ default: m.Archive })));
// Public: whoever holds a stamped document checks it, signed in or not.
const PublicVerify = lazy(() => import('./verify/Verify').then((m) => ({ default: m.Verify })));
const VerifyBundle = lazy(() => import('./hq/verify/Verify').then((m) => ({ default: m.Verify })));

/**
 * Every screen of the app. Later screens are added here, lazily where they are heavy
 * (`component: lazy(() => import('./Stamping'))`; lazy chunks are precached all the same).
 * The catch-all stays last.
 */
export const routes: RouteDefinition[] = [
  { path: '/', component: Home },
  { path: '/setup', component: Setup },
  { path: '/join', component: Join },
  { path: '/signin', component: SignIn },
  { path: '/passkeys', component: Passkeys },
  { path: '/admin/invitations', component: Invitations },
  { path: '/admin/units', component: Units },
  { path: '/admin/units/:id', component: UnitEdit },
  { path: '/admin/people', component: People },
  { path: '/admin/webhooks', component: Webhooks },
  { path: '/admin/routes', component: ApprovalRoutes },
  { path: '/stamp', component: Stamp },
  { path: '/seals', component: Seals },
  { path: '/seals/:id', component: SealDetail },
  { path: '/devices', component: Devices },
  { path: '/devices/:id', component: DeviceDetail },
  { path: '/requests', component: Requests },
  { path: '/requests/new', component: NewRequest },
  { path: '/requests/:id', component: RequestDetail },
  { path: '/approvals', component: Approvals },
  { path: '/hq', component: HqLog },
  { path: '/hq/dashboard', component: HqDashboard },
  { path: '/hq/cases', component: HqCases },
  { path: '/hq/cases/:id', component: CaseDetail },
  { path: '/hq/stamps/:deviceEventId', component: StampEvidence },
  { path: '/hq/requests/:requestId/evidence', component: RequestEvidence },
  { path: '/hq/seals/:sealId/ledger', component: SealLedger },
  { path: '/hq/verify', component: VerifyBundle },
  { path: '/archive', component: Archive },
  { path: '/notifications', component: Notifications },
  { path: '/verify', component: PublicVerify },
  { path: '*404', component: NotFound },
];
