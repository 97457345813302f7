import { render } from 'solid-js/web';
import { App } from './App';
import { prepareStartingLocale } from './i18n/I18nProvider';
import './styles/base.css';
import './styles/common.css';
import './styles/identity.css';
import './styles/forms.css';
import './styles/lists.css';
import './styles/admin.css';
import './styles/screens.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
void prepareStartingLocale().then(() => render(() => <App />, root));
