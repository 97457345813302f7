import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { approvalRouteFor } from '@seal/shared';
import type { SessionView as Session } from '@seal/shared';
import { RequireSession } from '../../components/RequireSession';
import { Screen } from '../../components/Screen';
import { useI18n } from '../../i18n/I18nProvider';
import { approvalGroups } from '../../requests/approvalGroups';
import { createRequestDraft } from './requestDraft';
import { DocumentSection, FormProblem, PlaceSection, SealSection, UseSection } from './RequestSections';
import './requests.css';

/** `/requests/new`: staff apply to use a seal. Recorded on this device first; it syncs when it can. */
export function NewRequest() {
  return <RequireSession>{(session) => <RequestForm session={session} />}</RequireSession>;
}

function RequestForm(props: { session: Session }) {
  const { t, locale } = useI18n();
  const draft = createRequestDraft(() => props.session);
  const routeText = (): string => {
    const seal = draft.chosenSeal();
    if (seal === undefined) {
      const kinds = new Intl.ListFormat(locale(), { type: 'conjunction' });
      const groups = approvalGroups().map((g) => t('requests.routeGroup', { count: String(g.count), kinds: kinds.format(g.kinds.map((k) => t(`sealKinds.${k}`))) }));
      return t('requests.routeAny', { groups: groups.join(t('requests.routeGroupSeparator')) });
    }
    return t('requests.routeFor', { kind: t(`sealKinds.${seal.kind}`), count: String(approvalRouteFor(seal.kind).minApprovals) });
  };
  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    void draft.submit.run();
  };

  return (
    <Screen id="new-request" title={t('requests.formTitle')} lead={t('requests.formLead')}>
      <Show when={draft.directoryUnavailable()}>
        <p class="note note-warn">{t('requests.noDirectory')}</p>
      </Show>
      <Show when={draft.mayApply() === false}>
        <p class="note note-warn" data-testid="may-not-apply">{t('requests.mayNotApply')}</p>
      </Show>
      <div class="columns">
        <form class="panel form request-form column-main" aria-labelledby="new-request-title" onSubmit={onSubmit} novalidate>
          <SealSection draft={draft} />
          <DocumentSection draft={draft} />
          <UseSection draft={draft} />
          <PlaceSection draft={draft} />
          <FormProblem draft={draft} />
          <div class="form-actions">
            <button type="submit" class="button button-primary button-large" disabled={draft.busy() || !draft.canSubmit()}>
              {t('requests.submit')}
            </button>
            <A href="/requests" class="button button-secondary button-large">
              {t('common.cancel')}
            </A>
          </div>
        </form>
        <aside class="panel column-side request-steps" aria-labelledby="request-steps-title">
          <h2 id="request-steps-title">{t('requests.stepsTitle')}</h2>
          <ol class="steps-compact">
            <li>{t('requests.step1')}</li>
            <li>{t('requests.step2', { route: routeText() })}</li>
            <li>{t('requests.step3')}</li>
          </ol>
        </aside>
      </div>
    </Screen>
  );
}
