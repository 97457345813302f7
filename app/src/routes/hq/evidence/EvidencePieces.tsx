import { A } from '@solidjs/router';
import { For, Show, type JSX } from 'solid-js';
import type { EvidenceBundle, EvidenceReport, Grant, StampEvent } from '@seal/shared';
import { approvalsOf, checksIn, stampSubject, stampsOf, verdictOf } from '../../../hq/evidence/evidenceView';
import { photoDataUrl } from '../../../hq/evidence/photo';
import { formatDateTime } from '../../../i18n/format';
import { useI18n } from '../../../i18n/I18nProvider';
import { useDirectory } from '../../../org/DirectoryProvider';
import { CheckList, EvidencePanel, VerdictMark } from './EvidenceChecks';

type Stamped = ReturnType<typeof stampsOf>[number];

function Facts(props: { rows: readonly (readonly [string, JSX.Element])[] }) {
  return (
    <dl class="evidence-facts">
      <For each={props.rows}>
        {([label, value]) => (
          <div>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        )}
      </For>
    </dl>
  );
}

/** The photo the device took, shown from the bundle's own bytes. */
function StampPhoto(props: { stamped: Stamped }) {
  const { t } = useI18n();
  const n = () => String(props.stamped.entry.payload.useIndex ?? props.stamped.entry.seq);
  return (
    <Show when={props.stamped.stamp.photo} fallback={<p class="muted">{t('evidence.noPhoto')}</p>}>
      {(photo) => (
        <Show when={photoDataUrl(photo())} fallback={<p class="muted">{t('evidence.photoUnshown', { mime: photo().mime })}</p>}>
          {(src) => <img class="evidence-photo" src={src()} alt={t('evidence.photoAlt', { n: n() })} data-testid="stamp-photo" />}
        </Show>
      )}
    </Show>
  );
}

const grantOf = (bundle: EvidenceBundle, entry: StampEvent): Grant | undefined => bundle.grants.find((g) => g.id === entry.payload.grantId);

/** Where and when: the device's position against the grant's fence, and the stamp's time by the device clock. */
function PlaceFacts(props: { bundle: EvidenceBundle; entry: StampEvent }) {
  const { t } = useI18n();
  const position = () => props.entry.payload.position;
  const fence = () => grantOf(props.bundle, props.entry)?.geofence;
  return (
    <Facts
      rows={[
        [t('evidence.position'), position() === undefined ? t('evidence.noPosition') : t('evidence.positionValue', { lat: String(position()!.lat), lon: String(position()!.lon), accuracy: String(position()!.accuracyM ?? 0) })],
        [t('evidence.fence'), fence() === undefined ? t('evidence.noFence') : t('evidence.fenceValue', { lat: String(fence()!.lat), lon: String(fence()!.lon), radius: String(fence()!.radiusM) })],
      ]}
    />
  );
}

/** The pieces of one stamp's evidence, each with its checks. */
export function StampPieces(props: { bundle: EvidenceBundle; report: EvidenceReport; stamped: Stamped }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const subject = () => stampSubject(props.bundle, props.stamped.entry.seq);
  const checks = (section: Parameters<typeof checksIn>[1]) => checksIn(props.report, section, subject());
  const grant = () => grantOf(props.bundle, props.stamped.entry);
  const when = (ms: number) => formatDateTime(ms, locale());
  return (
    <>
      <EvidencePanel id="photo" title={t('evidence.sections.photo')} checks={checks('photo')}>
        <StampPhoto stamped={props.stamped} />
      </EvidencePanel>
      <EvidencePanel id="device" title={t('evidence.sections.device')} checks={checks('device')}>
        <Facts
          rows={[
            [t('evidence.device'), `${props.bundle.device.id} (${props.bundle.device.serial})`],
            [t('evidence.seal'), props.bundle.seal.name],
            [t('evidence.logPosition'), t('evidence.logPositionValue', { seq: String(props.stamped.entry.seq), total: String(props.bundle.log.length) })],
            [t('evidence.stampedAt'), when(props.stamped.entry.at)],
          ]}
        />
      </EvidencePanel>
      <EvidencePanel id="grant" title={t('evidence.sections.grant')} checks={checks('grant')}>
        <Show when={grant()}>
          {(g) => (
            <Facts
              rows={[
                [t('evidence.holder'), directory.userName(g().holderId)],
                [t('evidence.uses'), String(g().uses)],
                [t('evidence.window'), `${when(g().window.notBefore)} – ${when(g().window.notAfter)}`],
              ]}
            />
          )}
        </Show>
      </EvidencePanel>
      <RequestPieces bundle={props.bundle} report={props.report} />
      <EvidencePanel id="place" title={t('evidence.sections.place')} checks={checks('place')}>
        <PlaceFacts bundle={props.bundle} entry={props.stamped.entry} />
      </EvidencePanel>
      <EvidencePanel id="clock" title={t('evidence.sections.clock')} checks={checks('clock')}>
        <Facts rows={[[t('evidence.stampedAt'), when(props.stamped.entry.at)]]} />
      </EvidencePanel>
      <EvidencePanel id="organisation" title={t('evidence.sections.organisation')} checks={checksIn(props.report, 'organisation')} />
    </>
  );
}

/** The request with its document fingerprint, and each approval with its passkey check. */
export function RequestPieces(props: { bundle: EvidenceBundle; report: EvidenceReport }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const request = () => props.bundle.request;
  return (
    <>
      <EvidencePanel id="request" title={t('evidence.sections.request')} checks={checksIn(props.report, 'request')}>
        <Facts
          rows={[
            [t('evidence.documentTitle'), request().document.title],
            [t('evidence.documentHash'), <code class="evidence-hash" data-testid="document-hash">{request().document.sha256}</code>],
            [t('evidence.pages'), String(request().document.pages)],
            [t('evidence.requester'), directory.userName(request().requesterId)],
          ]}
        />
      </EvidencePanel>
      <EvidencePanel id="approvals" title={t('evidence.sections.approvals')} checks={[]} verdict={verdictOf(checksIn(props.report, 'approvals'))}>
        <ul class="evidence-approvals">
          <For each={approvalsOf(props.bundle, props.report)}>
            {(approval) => (
              <li data-testid="evidence-approval" data-verdict={verdictOf(approval.checks)}>
                <h3>
                  <VerdictMark verdict={verdictOf(approval.checks)} /> {directory.userName(approval.decision.approverId)} ·{' '}
                  {t(`evidence.verdicts.${approval.decision.payload.verdict}` as 'evidence.verdicts.approve')} ·{' '}
                  <span class="muted">{formatDateTime(approval.decision.at, locale())}</span>
                </h3>
                <CheckList checks={approval.checks} />
              </li>
            )}
          </For>
        </ul>
      </EvidencePanel>
    </>
  );
}

/** A request's stamps: each with its photo, its time and the verdict of its own checks, linking to its page. */
export function StampCards(props: { bundle: EvidenceBundle; report: EvidenceReport }) {
  const { t, locale } = useI18n();
  return (
    <Show when={stampsOf(props.bundle).length > 0} fallback={<p class="muted">{t('evidence.noStamps')}</p>}>
      <ul class="evidence-stamps" data-testid="evidence-stamps">
        <For each={stampsOf(props.bundle)}>
          {(stamped) => {
            const checks = () => props.report.checks.filter((c) => c.subject === stampSubject(props.bundle, stamped.entry.seq));
            return (
              <li class="panel" data-testid="evidence-stamp" data-seq={stamped.entry.seq} data-verdict={verdictOf(checks())}>
                <h2>
                  <VerdictMark verdict={verdictOf(checks())} /> {t('evidence.stampN', { n: String(stamped.entry.payload.useIndex ?? '?') })}
                </h2>
                <StampPhoto stamped={stamped} />
                <p class="muted">{formatDateTime(stamped.entry.at, locale())}</p>
                <A href={`/hq/stamps/${props.bundle.device.id}:${stamped.entry.seq}`}>{t('evidence.openStamp')}</A>
              </li>
            );
          }}
        </For>
      </ul>
    </Show>
  );
}
