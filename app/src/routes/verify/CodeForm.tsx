import { TextField } from '../../components/TextField';
import { usePublicVerifyText } from '../../i18n/publicVerifyText';

/** Type the verification code printed beside the QR (or a process sheet's code); a scanned code shows here too. */
export function CodeForm(props: { code: string; setCode: (text: string) => void; onCode: (text: string) => void; busy: boolean }) {
  const { t } = usePublicVerifyText();
  const code = () => props.code;
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
          onInput={(text) => props.setCode(text)}
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
