/** Entry point: defines the custom elements and starts the app in index.html's <pacte-app>. */
import './styles.css';
import { applyLang } from './i18n';
import './components/pacte-app';
import './components/pacte-login';
import './components/pacte-set-password';
import './components/pacte-workspace-list';
import './components/pacte-workspace';
import './components/pacte-thread-list';
import './components/pacte-thread';
import './components/pacte-message';
import './components/pacte-composer';
import './components/pacte-new-thread';
import './components/pacte-search';
import './components/pacte-members';
import './components/pacte-plugin-panel';

applyLang();
