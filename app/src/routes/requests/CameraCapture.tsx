import { Show, createSignal, onCleanup, onMount } from 'solid-js';
import { useI18n } from '../../i18n/I18nProvider';

/**
 * A still frame from the camera (the back one, where there is a choice): a live preview, a
 * button that keeps the frame as a canvas, and one that gives up. The camera is released as soon
 * as the frame is taken or the preview closes.
 */
export function CameraCapture(props: { onCapture: (frame: HTMLCanvasElement) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [problem, setProblem] = createSignal<string>();
  const [ready, setReady] = createSignal(false);
  let video: HTMLVideoElement | undefined;
  let stream: MediaStream | undefined;
  const stop = () => stream?.getTracks().forEach((track) => track.stop());
  onCleanup(stop);
  onMount(() => {
    if (navigator.mediaDevices?.getUserMedia === undefined) {
      setProblem(t('sheets.cameraUnavailable'));
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1920 } }, audio: false }).then(
      async (media) => {
        stream = media;
        if (video === undefined) return stop();
        video.srcObject = media;
        await video.play();
        setReady(true);
      },
      (err: unknown) => setProblem(t('sheets.cameraRefused', { detail: err instanceof Error ? err.message : String(err) })),
    );
  });
  const capture = () => {
    if (video === undefined || video.videoWidth === 0) return;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')!.drawImage(video, 0, 0);
    stop();
    props.onCapture(canvas);
  };
  return (
    <div class="camera-capture" data-testid="camera-capture">
      <Show when={problem()} fallback={<video ref={video} class="camera-preview" muted playsinline aria-label={t('sheets.cameraPreview')} />}>
        {(text) => <p class="note note-warn" role="alert">{text()}</p>}
      </Show>
      <div class="button-row">
        <button type="button" class="button button-primary" disabled={!ready()} onClick={capture}>
          {t('sheets.capture')}
        </button>
        <button type="button" class="button button-secondary" onClick={() => { stop(); props.onCancel(); }}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
