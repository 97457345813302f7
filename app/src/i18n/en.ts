import type { Dictionary } from './zh-CN';

/** English. Typed as {@link Dictionary}: a missing or an extra key fails the type check. */
export const en: Dictionary = {
  app: {
    name: 'Seal Control',
    tagline: 'Request, approve and use company seals — even offline',
  },
  connection: {
    online: 'Online',
    offline: 'Offline',
    onlineHint: 'Connected: changes sync to the server.',
    offlineHint: 'No network. Changes are kept on this device and sync when the connection returns.',
  },
  language: {
    label: 'Language',
  },
  home: {
    title: 'No organisation is set up on this device yet',
    lead: 'Seal Control keeps its data on this device and works without a network. Before it can be used, the first administrator sets it up.',
    stepsLabel: 'What comes next',
    step1Title: 'The first administrator signs in',
    step1Body: "Using the one-time setup code printed in the sync-server's console; then they register a passkey.",
    step2Title: 'Invite people',
    step2Body: 'The administrator invites seal custodians, approvers and site staff; each signs in with their own passkey.',
    step3Title: 'Site tablets work offline',
    step3Body: 'After one sync, tablets at remote sites can request a seal, confirm identity and stamp without a network, and sync when the connection returns.',
    notAdmin: 'Not an administrator? Wait for your invitation, then sign in on this device.',
  },
  notFound: {
    title: 'Page not found',
    body: 'The address may be wrong, or this page is not available on this device yet.',
    home: 'Back to home',
  },
  serviceWorker: {
    offlineReady: 'Ready to work offline',
    needRefresh: 'An update is available',
    reload: 'Reload',
    dismiss: 'Dismiss',
  },
};
