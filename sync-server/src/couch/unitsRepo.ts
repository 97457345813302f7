import type { DocumentScope } from 'nano';
import { createDoc, getDoc, listDocs, updateDoc } from './docs';
import type { UnitDoc } from './model';

/** The organisation tree: headquarters at the root, branches and sites below. */
export interface UnitsRepo {
  get(id: string): Promise<UnitDoc | undefined>;
  list(): Promise<UnitDoc[]>;
  create(unit: UnitDoc): Promise<boolean>;
  update(id: string, change: (unit: UnitDoc) => UnitDoc | undefined): Promise<{ before: UnitDoc; after: UnitDoc } | undefined>;
}

const strip = ({ _id: _i, _rev: _r, ...doc }: UnitDoc & { _id: string; _rev: string }): UnitDoc => doc;

export function unitsRepo(db: DocumentScope<UnitDoc>): UnitsRepo {
  return {
    async get(id) {
      const doc = await getDoc(db, id);
      return doc && strip(doc);
    },
    async list() {
      return (await listDocs(db)).map(strip);
    },
    create: (unit) => createDoc(db, unit.id, unit),
    update: (id, change) => updateDoc(db, id, change),
  };
}
