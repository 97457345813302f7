import { Router } from '@solidjs/router';
import { AuthProvider } from './auth/AuthProvider';
import { AppShell } from './components/AppShell';
import { I18nProvider } from './i18n/I18nProvider';
import { routes } from './routes';

export function App() {
  return (
    <I18nProvider>
      <AuthProvider>
        <Router root={AppShell}>{routes}</Router>
      </AuthProvider>
    </I18nProvider>
  );
}
