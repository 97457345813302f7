import { For, Show } from 'solid-js';
import { fetchWebhookDeliveries, type Webhook, type WebhookDelivery } from '../../api/webhooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useI18n } from '../../i18n/I18nProvider';
import { formatChinaDateTime } from '../../i18n/format';
import { createLoad } from '../../primitives/createLoad';

/** Delivered is good news, pending is waiting, failed (every retry spent) needs someone. */
const STATUS_BADGE: Record<WebhookDelivery['status'], string> = { delivered: 'badge-ok', pending: 'badge-muted', failed: 'badge-admin' };

/** One hook's delivery log: each event once, with every attempt (time, answer or error, duration). */
export function WebhookDeliveries(props: { hook: Webhook; onClose: () => void }) {
  const { t, locale } = useI18n();
  const deliveries = createLoad(() => fetchWebhookDeliveries(props.hook.id));
  const when = (ms: number): string => formatChinaDateTime(ms, locale());
  const attemptLine = (attempt: WebhookDelivery['attempts'][number]) =>
    attempt.statusCode !== null
      ? t('webhooks.attemptStatus', { time: when(attempt.at), status: attempt.statusCode, ms: Math.round(attempt.durationMs) })
      : t('webhooks.attemptError', { time: when(attempt.at), error: attempt.error ?? '', ms: Math.round(attempt.durationMs) });

  return (
    <section class="panel webhook-deliveries" aria-labelledby="webhook-deliveries-title" data-testid="webhook-deliveries">
      <h2 id="webhook-deliveries-title">{t('webhooks.deliveriesTitle', { url: props.hook.url })}</h2>
      <div class="form-actions">
        <button type="button" class="button" onClick={() => void deliveries.reload()} disabled={deliveries.loading()}>
          {deliveries.loading() ? t('common.loading') : t('webhooks.refresh')}
        </button>
        <button type="button" class="button" onClick={() => props.onClose()}>
          {t('webhooks.closeDeliveries')}
        </button>
      </div>
      <ErrorAlert error={deliveries.error()} />
      <Show when={deliveries.data()}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="empty">{t('webhooks.noDeliveries')}</p>}>
            <ul class="card-list" aria-label={t('webhooks.deliveriesLabel')}>
              <For each={list()}>
                {(delivery) => (
                  <li class="card" data-testid="webhook-delivery" data-status={delivery.status}>
                    <p>
                      <strong>{t(`notifications.kinds.${delivery.eventKind}`)}</strong> · <span class={`badge ${STATUS_BADGE[delivery.status]}`}>{t(`webhooks.status.${delivery.status}`)}</span>
                    </p>
                    <p class="muted">{t('webhooks.eventLine', { time: when(delivery.createdAt) })}</p>
                    <p class="muted webhook-event">{t('webhooks.eventIdLabel')} <code>{delivery.eventId}</code></p>
                    <ol class="attempts" aria-label={t('webhooks.attemptsLabel')}>
                      <For each={delivery.attempts}>{(attempt) => <li data-testid="webhook-attempt">{attemptLine(attempt)}</li>}</For>
                    </ol>
                    <Show when={delivery.status === 'pending' && delivery.nextAttemptAt !== null}>
                      <p class="muted">{t('webhooks.nextAttempt', { time: when(delivery.nextAttemptAt ?? 0) })}</p>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </section>
  );
}
