import type { SealRecord, SealStatus, User } from '@seal/shared';
import type { createGovernanceData } from './createGovernanceData';
import { GovernancePanel } from './GovernancePanel';
import { SealMakeApproval } from './SealMakeApproval';
import { SealRecordEdit } from './SealRecordEdit';

/** The seal page's reviewed changes (ADR 009): making it when that awaits approval, the requests to decide, editing its name and custodian. */
export function SealGovernance(props: { seal: SealRecord; status: SealStatus | null; actor: User; governance: ReturnType<typeof createGovernanceData>; onNotice: (message: string) => void }) {
  return (
    <>
      <SealMakeApproval seal={props.seal} status={props.status} actor={props.actor} routes={props.governance.routes()} requests={props.governance.requests()} onAsked={props.governance.onAsked} />
      <GovernancePanel requests={props.governance.requests()} actor={props.actor} onDecided={props.governance.onDecided} />
      <SealRecordEdit seal={props.seal} status={props.status} actor={props.actor} routes={props.governance.routes()} onDone={(message) => { props.onNotice(message); props.governance.onAsked(); }} />
    </>
  );
}
