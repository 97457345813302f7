import { Show, createSignal, onCleanup } from 'solid-js';
import { cameraProblemOf, readQrFromImageFile, startCameraScan, type CameraProblem, type CameraScan } from '../../verify/qrScan';
import { usePublicVerifyText } from '../../i18n/publicVerifyText';

/**
 * Scanning a stamped page's QR: the camera (frames read in the browser), or — when the camera is
 * refused, missing, or simply not wanted — a photo taken or chosen, read the same way.
 */
export function QrScan(props: { onCode: (text: string) => void }) {
  const { t } = usePublicVerifyText();
  const [scanning, setScanning] = createSignal(false);
  const [problem, setProblem] = createSignal<CameraProblem>();
  const [noQr, setNoQr] = createSignal(false);
  let video: HTMLVideoElement | undefined;
  let scan: CameraScan | undefined;

  const stop = () => {
    scan?.stop();
    scan = undefined;
    setScanning(false);
  };
  onCleanup(stop);

  const start = async () => {
    setProblem(undefined);
    setNoQr(false);
    setScanning(true);
    const onCode = props.onCode;
    try {
      scan = await startCameraScan(video!, (text) => {
        setScanning(false);
        scan = undefined;
        onCode(text);
      });
    } catch (error) {
      setScanning(false);
      setProblem(error instanceof Error && error.name === 'Unsupported' ? 'unsupported' : cameraProblemOf(error));
    }
  };

  const fromPhoto = async (file: File | undefined) => {
    if (file === undefined) return;
    setNoQr(false);
    const text = await readQrFromImageFile(file);
    if (text === null) setNoQr(true);
    else props.onCode(text);
  };

  return (
    <section class="panel verify-way" aria-labelledby="verify-scan-title">
      <h2 id="verify-scan-title">{t('publicVerify.scanHeading')}</h2>
      <div class="verify-actions">
        <Show when={scanning()} fallback={<button type="button" class="button button-primary" data-testid="start-camera" onClick={() => void start()}>{t('publicVerify.startCamera')}</button>}>
          <button type="button" class="button button-secondary" onClick={stop}>{t('publicVerify.stopCamera')}</button>
        </Show>
        <label class="button button-secondary verify-file-button">
          {t('publicVerify.photo')}
          <input type="file" accept="image/*" capture="environment" class="visually-hidden" data-testid="qr-photo" onChange={(e) => void fromPhoto(e.currentTarget.files?.[0])} />
        </label>
      </div>
      <div class="verify-camera" classList={{ 'is-on': scanning() }}>
        <video ref={video} aria-label={t('publicVerify.cameraLabel')} muted playsinline />
        <Show when={scanning()}>
          <p class="muted">{t('publicVerify.cameraWaiting')}</p>
        </Show>
      </div>
      <Show when={problem()}>{(p) => <p class="alert alert-error" role="alert" data-testid="camera-problem">{t(`publicVerify.cameraProblems.${p()}`)}</p>}</Show>
      <Show when={noQr()}>
        <p class="alert alert-error" role="alert" data-testid="no-qr">{t('publicVerify.noQrInPhoto')}</p>
      </Show>
    </section>
  );
}
