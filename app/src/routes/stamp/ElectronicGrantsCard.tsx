import type { ElectronicGrant, SealLook } from '@seal/shared';
import { For, Show, Suspense, lazy } from 'solid-js';
import { useAuth } from '../../auth/AuthProvider';
import { impressionSigner } from '../../documents/impressionSigner';
import { colon } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { useSync } from '../../sync/SyncProvider';
import type { StampNames } from './stampNames';
import { useStampingContext } from './stampingContext';
import './stampPdf.css';

// PDF.js, pdf-lib, fontkit and the QR encoder load only when someone stamps a PDF.
const ElectronicStamp = lazy(() => import('./ElectronicStamp'));

/** The electronic seal grants this person holds on this tablet, and the stamping of a PDF under the one chosen. */
export function ElectronicGrantsCard(props: { grants: readonly ElectronicGrant[]; chosen: ElectronicGrant | undefined; onChoose: (grant: ElectronicGrant) => void; names: StampNames }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const auth = useAuth();
  const sync = useSync();
  // Impressions are claimed, and certificates judged, by the store's clock (the server's, as learned).
  const signer = impressionSigner({ ...useStampingContext(), currentUser: () => auth.session()?.user.id }, undefined, sync.now);
  const window = (g: ElectronicGrant): string => `${props.names.date(g.window.notBefore)} – ${props.names.date(g.window.notAfter)}`;
  const look = (g: ElectronicGrant): SealLook => {
    const seal = props.names.sealOf(g.sealId);
    return seal === undefined ? { kind: 'contract', name: props.names.sealName(g.sealId) } : seal;
  };

  // The grant in use stays open once its last use is made (it leaves the list then): its stamped
  // PDF and code are on the screen below until the person leaves it.
  return (
    <Show when={props.grants.length > 0 || props.chosen !== undefined}>
      <Show when={props.grants.length > 0}>
      <div class="card" data-testid="electronic-grants">
        <h2>{t('stampPdf.electronicGrants')}</h2>
        <ul class="grant-list">
          <For each={props.grants}>
            {(g) => (
              <li data-grant-id={g.id} data-request-id={g.requestId}>
                <span>
                  <strong>{props.names.requestTitle(g.requestId)}</strong> · {props.names.sealName(g.sealId)} · {t('stamp.uses')} {g.uses}
                </span>
                <span class="muted">{window(g)}</span>
                <span class="muted">
                  {t('stampPdf.approvedDocument')}{colon(locale())}<code>{g.documentSha256.slice(0, 16)}…</code>
                </span>
                <Show when={props.chosen?.id !== g.id} fallback={<span class="grant-in-use">{t('stamp.grantInUse')}</span>}>
                  <button type="button" class="button button-secondary" data-testid="use-electronic-grant" onClick={() => props.onChoose(g)}>
                    {t('stampPdf.useElectronicGrant')}
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </div>
      </Show>
      <Show when={props.chosen} keyed>
        {(g) => (
          <Suspense fallback={<p class="loading">{t('stampPdf.opening')}</p>}>
            <ElectronicStamp grant={g} seal={look(g)} unitName={directory.unitName(props.names.sealOf(g.sealId)?.unitId ?? '')} signer={signer} />
          </Suspense>
        )}
      </Show>
    </Show>
  );
}
