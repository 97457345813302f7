import type { Grant } from '@seal/shared';
import { useI18n } from '../../i18n/I18nProvider';
import type { SimulatedSeal } from '../../device/simulatedDevice';

/** The simulated device's hardware, for demos: press a stamp, open the case, leave the site, drain the battery. */
export function SimulatedPanel(props: { seal: SimulatedSeal; grant: Grant | undefined; stampsSoFar: number }) {
  const { t } = useI18n();
  const hardware = () => props.seal.hardware;
  return (
    <div class="card sim-panel" data-testid="simulated-device">
      <p class="sim-label">SIMULATED DEVICE · 模拟设备</p>
      <div class="button-row">
        <button type="button" class="button button-secondary" onClick={() => void hardware().press(props.stampsSoFar + 1)}>
          {t('stamp.simPress')}
        </button>
        <button type="button" class="button button-secondary" onClick={() => void hardware().openCase()}>
          {t('stamp.simTamper')}
        </button>
        <button type="button" class="button button-secondary" onClick={() => void hardware().moveTo({ lat: (props.grant?.geofence?.lat ?? 0) + 0.1, lon: props.grant?.geofence?.lon ?? 0, accuracyM: 10 })}>
          {t('stamp.simGeofence')}
        </button>
        <button type="button" class="button button-secondary" onClick={() => void hardware().setBattery(8)}>
          {t('stamp.simBattery')}
        </button>
      </div>
    </div>
  );
}
