import { Router } from '@solidjs/router';
import { AuthProvider } from './auth/AuthProvider';
import { AppShell } from './components/AppShell';
import { I18nProvider } from './i18n/I18nProvider';
import { DirectoryProvider } from './org/DirectoryProvider';
import { RequestsProvider } from './requests/RequestsProvider';
import { routes } from './routes';
import { SyncProvider } from './sync/SyncProvider';

export function App() {
  return (
    <I18nProvider>
      <AuthProvider>
        <SyncProvider>
          <DirectoryProvider>
            <RequestsProvider>
              <Router root={AppShell}>{routes}</Router>
            </RequestsProvider>
          </DirectoryProvider>
        </SyncProvider>
      </AuthProvider>
    </I18nProvider>
  );
}
