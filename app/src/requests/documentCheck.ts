/**
 * What the approver's preview found about a request's document, and whether an approval may be
 * signed on it. One rule for the decision panel: an approver approves only a document they could
 * see here, whose bytes hash to the fingerprint they sign. A rejection needs no document.
 */
export type DocumentCheckState = 'none' | 'loading' | 'not_yet' | 'mismatch' | 'ambiguous' | 'verified';

export interface DocumentCheck {
  readonly state: DocumentCheckState;
  /** The PDF's page count, once PDF.js opened it (images and unreadable files have none). */
  readonly pages?: number;
}

/** Why approving is not offered yet, or `undefined` when the document was seen and matches. */
export type ApprovalHold = 'document_missing' | 'document_loading' | 'document_mismatch' | 'document_ambiguous';

export function approvalHold(check: DocumentCheck): ApprovalHold | undefined {
  switch (check.state) {
    case 'verified':
      return undefined;
    case 'mismatch':
      return 'document_mismatch';
    case 'ambiguous':
      // The right bytes, but a PDF that could read one way here and another once stamped.
      return 'document_ambiguous';
    case 'loading':
      return 'document_loading';
    case 'none':
    case 'not_yet':
      return 'document_missing';
  }
}

/** The pages the request states against the pages the file has, when both are known and differ. */
export function pageCountMismatch(statedPages: number, check: DocumentCheck): { stated: number; actual: number } | undefined {
  return check.pages === undefined || check.pages === statedPages ? undefined : { stated: statedPages, actual: check.pages };
}
