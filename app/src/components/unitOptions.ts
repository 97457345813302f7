import type { UnitKind } from '@seal/shared';
import type { SelectOption } from './Select';

/** A unit as a choice: with its depth in the tree when the list shows the tree (indented by it). */
export interface UnitChoice {
  readonly unit: { readonly id: string; readonly name: string; readonly kind: UnitKind };
  readonly depth?: number;
}

/** Three no-break spaces a level: a plain space would be collapsed inside an option. */
const INDENT = '\u00a0\u00a0\u00a0';

/** The options for units: "name · kind", indented by depth. */
export function unitOptions(choices: readonly UnitChoice[], kindText: (kind: UnitKind) => string): SelectOption[] {
  return choices.map(({ unit, depth = 0 }) => ({ value: unit.id, label: `${INDENT.repeat(depth)}${unit.name} · ${kindText(unit.kind)}` }));
}
