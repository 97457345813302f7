import { sha256, toHex } from '@seal/shared';
import { Show, createResource, onCleanup } from 'solid-js';
import { pgmToDataUrl } from '../../device/pgm';
import { usePublicVerifyText } from '../../i18n/publicVerifyText';

/**
 * The photo a seal device took of a stamped page, fetched from the organisation's server and shown
 * only when its bytes hash to what the device logged (what was verified is what is shown): a
 * device's grey PGM through a canvas, other images as they are.
 */
export function StampPhoto(props: { url: string; sha256: string; ordinal: number }) {
  const { t } = usePublicVerifyText();
  const urls: string[] = [];
  onCleanup(() => urls.forEach((u) => URL.revokeObjectURL(u)));
  const [shown] = createResource(() => ({ url: props.url, expected: props.sha256 }), async ({ url, expected }) => {
    const answer = await fetch(url);
    if (!answer.ok) return null;
    const bytes = new Uint8Array(await answer.arrayBuffer());
    if (toHex(await sha256(bytes)) !== expected) return null;
    if (answer.headers.get('content-type') === 'image/x-portable-graymap') return pgmToDataUrl(bytes);
    const made = URL.createObjectURL(new Blob([bytes], { type: answer.headers.get('content-type') ?? 'image/jpeg' }));
    urls.push(made);
    return made;
  });
  return (
    <Show when={shown()}>
      {(src) => <img src={src()} alt={t('publicVerify.stampPhotoAlt', { ordinal: String(props.ordinal) })} width="160" class="verify-photo-image" data-testid="verify-stamp-photo" data-sha256={props.sha256} />}
    </Show>
  );
}
