import { useSearchParams } from '@solidjs/router';
import { For, Show, createSignal } from 'solid-js';
import type { SessionView as Session, UnitView as Unit } from '@seal/shared';
import { fetchUnits } from '../../api/units';
import { disableWebhook, fetchWebhooks, type Webhook } from '../../api/webhooks';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyButton } from '../../components/CopyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RequireSession } from '../../components/RequireSession';
import { Screen } from '../../components/Screen';
import { useI18n } from '../../i18n/I18nProvider';
import { formatChinaDateTime } from '../../i18n/format';
import { createAction } from '../../primitives/createAction';
import { createLoad } from '../../primitives/createLoad';
import { WebhookDeliveries } from './WebhookDeliveries';
import { WebhookForm } from './WebhookForm';

/** Administrators connect other systems (OA, alerting): signed HTTP deliveries of a unit subtree's events. */
export function Webhooks() {
  return <RequireSession role="admin">{(session) => <WebhookManager session={session} />}</RequireSession>;
}

function WebhookManager(props: { session: Session }) {
  const { t, locale } = useI18n();
  const units = createLoad(fetchUnits);
  const hooks = createLoad(fetchWebhooks);
  const [params, setParams] = useSearchParams<{ hook?: string }>();
  const [created, setCreated] = createSignal<{ webhook: Webhook; secret: string }>();
  const [notice, setNotice] = createSignal<string>();
  const [toDisable, setToDisable] = createSignal<Webhook>();

  const disable = createAction(async (hook: Webhook) => {
    await disableWebhook(hook.id);
    setToDisable(undefined);
    setNotice(t('webhooks.disabled', { url: hook.url }));
    await hooks.reload();
  });
  const unitName = (id: string): string => (units.data() ?? []).find((unit: Unit) => unit.id === id)?.name ?? id;
  const shown = (): Webhook | undefined => (hooks.data() ?? []).find((hook) => hook.id === params.hook);
  const kindsText = (hook: Webhook): string => {
    const kinds = hook.eventKinds.map((kind) => t(`notifications.kinds.${kind}`)).join('、');
    const alarms = hook.alarmKinds?.map((kind) => t(`webhooks.alarmKinds.${kind}`)).join('、');
    return alarms ? t('webhooks.kindsWithAlarms', { kinds, alarms }) : kinds;
  };

  const hookCard = (hook: Webhook) => (
    <li class="card" data-testid="webhook" data-enabled={String(hook.enabled)}>
      <p class="webhook-url"><code>{hook.url}</code></p>
      <p>
        <span class={hook.enabled ? 'badge badge-ok' : 'badge badge-muted'}>{hook.enabled ? t('webhooks.enabled') : t('webhooks.disabledBadge')}</span>{' '}
        {t('webhooks.unitLine', { unit: unitName(hook.unitId) })}
      </p>
      <p class="muted">{kindsText(hook)}</p>
      <Show when={hook.description}>
        <p>{hook.description}</p>
      </Show>
      <p class="muted">{t('webhooks.createdLine', { time: formatChinaDateTime(hook.createdAt, locale()) })}</p>
      <div class="form-actions">
        <button type="button" class="button" aria-pressed={params.hook === hook.id} onClick={() => setParams({ hook: params.hook === hook.id ? undefined : hook.id })}>
          {t('webhooks.showDeliveries')}
        </button>
        <Show when={hook.enabled}>
          <button type="button" class="button button-danger" onClick={() => { disable.clearError(); setToDisable(hook); }}>
            {t('webhooks.disable')}
          </button>
        </Show>
      </div>
    </li>
  );

  return (
    <Screen id="webhooks" title={t('webhooks.title')} lead={t('webhooks.lead')} notice={notice()}>
      <Show when={created()}>
        {(result) => (
          <section class="panel created-invitation" aria-labelledby="webhook-secret-title" data-testid="webhook-secret">
            <h2 id="webhook-secret-title">{t('webhooks.secretTitle')}</h2>
            <p class="muted">{t('webhooks.secretOnce')}</p>
            <p>
              <output class="code-display" data-testid="webhook-secret-value">{result().secret}</output>
              <CopyButton text={result().secret} label={t('webhooks.copySecret')} />
            </p>
            <p class="field-hint">{t('webhooks.signatureHint')}</p>
            <div class="form-actions">
              <button type="button" class="button button-primary" onClick={() => setCreated(undefined)}>
                {t('webhooks.secretDone')}
              </button>
            </div>
          </section>
        )}
      </Show>
      <div class="columns">
        <WebhookForm
          session={props.session}
          units={units.data()}
          onCreated={(result) => {
            setCreated(result);
            setNotice(undefined);
            return hooks.reload();
          }}
        />
        <div class="column-main">
          <h2 class="section-title">{t('webhooks.listTitle')}</h2>
          <ErrorAlert error={hooks.error() ?? units.error()} />
          <Show when={hooks.data()} fallback={<Show when={hooks.loading()}><p class="loading">{t('common.loading')}</p></Show>}>
            <Show when={(hooks.data() ?? []).length > 0} fallback={<p class="empty">{t('webhooks.none')}</p>}>
              <ul class="card-list" aria-label={t('webhooks.listTitle')}>
                <For each={hooks.data()}>{hookCard}</For>
              </ul>
            </Show>
          </Show>
          <Show when={shown()} keyed>
            {(hook) => <WebhookDeliveries hook={hook} onClose={() => setParams({ hook: undefined })} />}
          </Show>
        </div>
      </div>
      <ConfirmDialog
        open={toDisable() !== undefined}
        title={t('webhooks.disableTitle')}
        confirmLabel={t('webhooks.disable')}
        pending={disable.pending()}
        error={disable.error()}
        onConfirm={() => { const hook = toDisable(); if (hook) void disable.run(hook); }}
        onCancel={() => setToDisable(undefined)}
      >
        <p>{t('webhooks.disableBody', { url: toDisable()?.url ?? '' })}</p>
      </ConfirmDialog>
    </Screen>
  );
}
