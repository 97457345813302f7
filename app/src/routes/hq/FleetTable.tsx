import { For, Show } from 'solid-js';
import type { HqDashboardResponse } from '@seal/shared';
import { formatChinaDateMinute } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';

type Fleet = HqDashboardResponse['fleet'];

/** The devices of the scope: battery, last log entry, and stamps against the ink box's life (a bar, with its number). */
export function FleetTable(props: { fleet: Fleet; unitName: (id: string) => string; sealName: (id: string) => string }) {
  const { t, locale } = useI18n();
  const percent = (share: number): number => Math.round(share * 100);
  return (
    <section class="hq-fleet panel" aria-labelledby="hq-fleet-title" data-testid="hq-fleet">
      <h2 id="hq-fleet-title" class="hq-chart-title">
        {t('hqDashboard.fleet')}
      </h2>
      <Show when={props.fleet.devices.length > 0} fallback={<p class="empty">{t('hqDashboard.fleetNone')}</p>}>
        <div class="hq-table-scroll" tabindex="0" role="region" aria-labelledby="hq-fleet-title">
          <table class="hq-table">
            <thead>
              <tr>
                <th scope="col">{t('hq.eventDevice')}</th>
                <th scope="col">{t('hq.eventUnit')}</th>
                <th scope="col">{t('hq.eventSeal')}</th>
                <th scope="col" class="hq-num">{t('hqDashboard.battery')}</th>
                <th scope="col">{t('hqDashboard.lastContact')}</th>
                <th scope="col" class="hq-num">{t('hqDashboard.stamps')}</th>
                <th scope="col">{t('hqDashboard.inkBox', { life: String(props.fleet.inkBoxLifeStamps) })}</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.fleet.devices}>
                {(device) => (
                  <tr data-device-id={device.deviceId}>
                    <th scope="row" class="hq-mono">{device.deviceId}</th>
                    <td>{props.unitName(device.unitId)}</td>
                    <td>{device.sealId === null ? '—' : props.sealName(device.sealId)}</td>
                    <td class="hq-num" classList={{ 'hq-low': device.batteryPercent !== null && device.batteryPercent <= 20 }}>
                      {device.batteryPercent === null ? t('hqDashboard.unknown') : `${device.batteryPercent}%`}
                    </td>
                    <td>{device.lastContactAt === null ? t('hqDashboard.unknown') : formatChinaDateMinute(device.lastContactAt, locale())}</td>
                    <td class="hq-num">{device.stampCount}</td>
                    <td>
                      <div class="hq-ink">
                        <meter class="hq-ink-bar" min="0" max="1" low={0.7} high={0.9} optimum={0} value={Math.min(1, device.inkBoxUsed)} aria-label={t('hqDashboard.inkBox', { life: String(props.fleet.inkBoxLifeStamps) })}>
                          {percent(device.inkBoxUsed)}%
                        </meter>
                        <span class="hq-ink-value">{t('hqDashboard.inkBoxValue', { percent: String(percent(device.inkBoxUsed)) })}</span>
                        <Show when={device.inkBoxUsed >= 0.9}>
                          <span class="hq-ink-warn">{t('hqDashboard.inkBoxReplace')}</span>
                        </Show>
                      </div>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}
