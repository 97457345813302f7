/** The organisation's records for one device now live in shared/ (the sync-server signs them). */
export {
  SEAL_BINDING_PURPOSE,
  TIME_RECORD_PURPOSE,
  sealBindingSchema,
  signSealBinding,
  signTimeRecord,
  signatureSchema,
  timeRecordSchema,
  type SealBinding,
  type Signed,
  type TimeRecord,
} from '@seal/shared';
