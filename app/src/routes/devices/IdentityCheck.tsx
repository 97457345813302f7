import { Show, onMount } from 'solid-js';
import type { DeviceIdentity } from '../../device/readDeviceIdentity';
import { useI18n } from '../../i18n/I18nProvider';
import { createRecords } from '../../sync/createRecords';

/** A key's thumbprint as a person compares it: its first 16 characters, in groups of four. */
const shortKeyId = (keyId: string): string => keyId.slice(0, 16).replace(/(.{4})(?!$)/g, '$1 ');

/**
 * What a seal device said it is, for the person to check against the unit in front of them
 * before it is registered: its serial (the label's), its key's fingerprint, firmware, battery and
 * the seal it holds. Focus moves to the question as it appears.
 */
export function IdentityCheck(props: { identity: DeviceIdentity; unitName: string; registering: boolean; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const seals = createRecords('seal');
  let title: HTMLHeadingElement | undefined;
  onMount(() => title?.focus());
  const info = () => props.identity.info;
  const sealName = () => {
    const id = info().sealId;
    return id === null ? t('devices.noSeal') : (seals().find((s) => s.recordId === id)?.record.name ?? id);
  };
  return (
    <section class="identity-check" aria-labelledby="identity-check-title" data-testid="device-identity" data-device-id={props.identity.deviceId}>
      <h3 id="identity-check-title" tabindex="-1" ref={title}>{t('devices.confirmTitle')}</h3>
      <p class="muted">{t('devices.confirmBody')}</p>
      <dl class="stamp-facts">
        <dt>{t('devices.serial')}</dt>
        <dd data-testid="identity-serial"><strong>{props.identity.deviceId}</strong></dd>
        <dt>{t('devices.keyId')}</dt>
        <dd data-testid="identity-key" title={props.identity.keyId}><code>{shortKeyId(props.identity.keyId)}</code></dd>
        <dt>{t('devices.firmware')}</dt>
        <dd>{info().firmware}</dd>
        <dt>{t('devices.battery')}</dt>
        <dd>{info().batteryPercent}%</dd>
        <dt>{t('devices.sealHeld')}</dt>
        <dd>{sealName()}</dd>
        <dt>{t('devices.registerIn')}</dt>
        <dd>{props.unitName}</dd>
      </dl>
      <div class="form-actions">
        <button type="button" class="button button-primary" disabled={props.registering} onClick={() => props.onConfirm()}>
          {t('devices.confirm', { unit: props.unitName })}
        </button>
        <Show when={!props.registering}>
          <button type="button" class="button button-secondary" onClick={() => props.onCancel()}>
            {t('devices.notThisOne')}
          </button>
        </Show>
      </div>
    </section>
  );
}
