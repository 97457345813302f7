import { Show, createEffect, createSignal, on } from 'solid-js';
import { DEVICE_NAME_MAX, can, type Device, type User } from '@seal/shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { useSync } from '../../sync/SyncProvider';

/**
 * The name people call a device by, given or changed by those who may bind it (its unit's
 * custodian or an admin). Written on this tablet (offline too) as a change of the device record,
 * which the server judges with the same record rules; an empty name takes the name away.
 */
export function DeviceName(props: { device: Device; actor: User }) {
  const { t } = useI18n();
  const sync = useSync();
  const directory = useDirectory();
  const [name, setName] = createSignal('');
  // The field follows the record's name (set here or arriving from another tablet).
  createEffect(on(() => props.device.name, (given) => setName(given ?? '')));
  const [notice, setNotice] = createSignal<string>();
  const mayName = () => can(props.actor, 'device.bind', { unitId: props.device.unitId }, directory.units()).ok;
  const save = createAction(async () => {
    const store = sync.store();
    if (store === undefined) return;
    const given = name().trim().replace(/\s+/g, ' ');
    await store.records.update('device', props.device.id, (doc) => {
      if (given === '') delete doc.name;
      else doc.name = given;
    });
    setName(given);
    setNotice(given === '' ? t('deviceDetail.nameRemoved') : t('deviceDetail.nameSaved', { name: given }));
  });
  return (
    <Show when={mayName()}>
      <form
        class="inline-form device-name-form"
        data-testid="device-name-form"
        onSubmit={(e) => {
          e.preventDefault();
          setNotice(undefined);
          void save.run();
        }}
      >
        <Field id="device-name" label={t('deviceDetail.nameLabel')} hint={t('deviceDetail.nameHint', { max: String(DEVICE_NAME_MAX) })}>
          <input id="device-name" class="input" maxLength={DEVICE_NAME_MAX} value={name()} onInput={(e) => setName(e.currentTarget.value)} disabled={save.pending()} aria-describedby="device-name-hint" />
        </Field>
        <button type="submit" class="button button-secondary" disabled={save.pending()}>
          {t('deviceDetail.saveName')}
        </button>
        <Notice message={notice()} />
        <ErrorAlert error={save.error()} />
      </form>
    </Show>
  );
}
