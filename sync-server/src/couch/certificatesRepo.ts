import type { DocumentScope } from 'nano';
import type { SigningCertificateView } from '@seal/shared';
import { getDoc, type Stored } from './docs';

/**
 * The `certificates` database (ADR 008): one document per signing certificate the organisation CA
 * issued (`cert:<serial>`), with the certificate itself, so that revocation and /verify can name
 * it. Written through the change journal with its audit record; this module reads.
 */
export type CertificateDoc = SigningCertificateView & { readonly type: 'signing-certificate'; readonly pem: string };

export const certificateDocId = (serial: string): string => `cert:${serial}`;

/** A certificate record as the API shows it. */
export const certificateView = ({ type: _t, pem: _p, _id: _i, _rev: _r, ...view }: CertificateDoc & Partial<Stored>): SigningCertificateView => view;

export interface CertificatesRepo {
  get(serial: string): Promise<CertificateDoc | undefined>;
}

export function certificatesRepo(db: DocumentScope<object>): CertificatesRepo {
  return {
    async get(serial) {
      const doc = await getDoc(db as DocumentScope<CertificateDoc>, certificateDocId(serial));
      return doc && doc.type === 'signing-certificate' ? doc : undefined;
    },
  };
}
