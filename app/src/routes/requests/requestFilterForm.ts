import { dayBound, type RequestFilter } from '../../requests/requestFilters';

/** The filters as the form holds them (dates as `yyyy-mm-dd`). */
export interface RequestFilterForm {
  readonly text: string;
  readonly status: RequestFilter['status'];
  readonly sealId: string;
  readonly unitId: string;
  readonly from: string;
  readonly to: string;
}

export const EMPTY_FORM: RequestFilterForm = { text: '', status: '', sealId: '', unitId: '', from: '', to: '' };

export const REQUEST_STATUSES_FOR_FILTER = ['open', 'pending', 'approved', 'in_use', 'completed', 'rejected', 'cancelled', 'expired', 'halted'] as const;

/** The form's values as the filter takes them (a date is a whole local day). */
export const toFilter = (form: RequestFilterForm): RequestFilter => {
  const from = dayBound(form.from);
  const to = dayBound(form.to, true);
  return { text: form.text, status: form.status, sealId: form.sealId, unitId: form.unitId, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
};
