import { Router } from '@solidjs/router';
import { AppShell } from './components/AppShell';
import { I18nProvider } from './i18n/I18nProvider';
import { routes } from './routes';

export function App() {
  return (
    <I18nProvider>
      <Router root={AppShell}>{routes}</Router>
    </I18nProvider>
  );
}
