import { createMemo } from 'solid-js';
import { renderSealSvg, sealAppearance, sealOrganisationName, type SealLook } from '@seal/shared';

/**
 * The seal's picture, drawn from its record: the same model (`sealAppearance`) the stamped PDFs
 * are drawn from, as SVG markup (a few KB of code, no font shipped: the device's CJK font draws
 * the characters). `unitName` is engraved along the rim when the record's name does not say.
 */
export function SealImage(props: { seal: SealLook; unitName: string; size?: string; class?: string }) {
  const markup = createMemo(() => renderSealSvg(sealAppearance(props.seal, sealOrganisationName(props.seal, props.unitName))));
  return (
    <span
      class={`seal-image${props.class === undefined ? '' : ` ${props.class}`}`}
      style={{ width: props.size ?? '7rem' }}
      data-testid="seal-image"
      // eslint-disable-next-line solid/no-innerhtml -- markup built by renderSealSvg, every text escaped
      innerHTML={markup()}
    />
  );
}
