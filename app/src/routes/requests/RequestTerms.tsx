import { Show } from 'solid-js';
import type { Seal, UseRequest } from '@seal/shared';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';

/** The terms an approver signs (and the device enforces): document fingerprint, seal, uses, window, place. */
export function RequestTerms(props: { request: UseRequest; seal: Omit<Seal, 'status'> | undefined }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const date = (ms: number): string => formatDateTime(ms, locale());
  const r = () => props.request;
  return (
    <dl class="terms" data-testid="request-terms">
      <dt>{t('requests.requester')}</dt>
      <dd data-testid="requester">{directory.userName(r().requesterId)}</dd>
      <dt>{t('requests.unit')}</dt>
      <dd>{directory.unitName(r().unitId)}</dd>
      <dt>{t('requests.seal')}</dt>
      <dd>
        <Show when={props.seal} fallback={<span class="muted">{t('requests.sealUnknown')}</span>}>
          {(seal) => `${seal().name} · ${t(`sealKinds.${seal().kind}`)} · ${t(`sealForms.${seal().form}`)}`}
        </Show>
      </dd>
      <dt>{t('requests.document')}</dt>
      <dd>{r().document.title}</dd>
      <dt>{t('requests.sha256')}</dt>
      <dd>
        <code class="hash" data-testid="terms-sha256">
          {r().document.sha256}
        </code>
      </dd>
      <dt>{t('requests.pages')}</dt>
      <dd>{r().document.pages}</dd>
      <dt>{t('requests.copies')}</dt>
      <dd>{r().copies}</dd>
      <dt>{t('requests.purpose')}</dt>
      <dd class="terms-text">{r().purpose}</dd>
      <dt>{t('requests.uses')}</dt>
      <dd data-testid="terms-uses">{r().usesRequested}</dd>
      <dt>{t('requests.window')}</dt>
      <dd>{t('requests.windowRange', { from: date(r().window.notBefore), to: date(r().window.notAfter) })}</dd>
      <dt>{t('requests.place')}</dt>
      <dd>
        {directory.unitName(r().place.unitId)}
        <br />
        <span class="muted">
          <Show when={r().place.geofence} fallback={t('requests.noGeofence')}>
            {(fence) => t('requests.geofence', { lat: fence().lat.toFixed(5), lon: fence().lon.toFixed(5), radius: String(fence().radiusM) })}
          </Show>
        </span>
      </dd>
    </dl>
  );
}
