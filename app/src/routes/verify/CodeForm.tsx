import { createSignal } from 'solid-js';
import { TextField } from '../../components/TextField';
import { useI18n } from '../../i18n/I18nProvider';

/** Type the verification code printed beside the QR (or a process sheet's code). */
export function CodeForm(props: { initial: string; onCode: (text: string) => void; busy: boolean }) {
  const { t } = useI18n();
  const [code, setCode] = createSignal(props.initial);
  return (
    <section class="panel verify-way" aria-labelledby="verify-code-title">
      <h2 id="verify-code-title">{t('publicVerify.codeHeading')}</h2>
      <form
        class="verify-code-form"
        onSubmit={(e) => {
          e.preventDefault();
          props.onCode(code());
        }}
      >
        <TextField
          id="verify-code"
          label={t('publicVerify.codeLabel')}
          hint={t('publicVerify.codeHint')}
          value={code()}
          onInput={setCode}
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          maxLength={200}
        />
        <button type="submit" class="button button-primary" disabled={props.busy} data-testid="verify-code-submit">
          {t('publicVerify.check')}
        </button>
      </form>
    </section>
  );
}
