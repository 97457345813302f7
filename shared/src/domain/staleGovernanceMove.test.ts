import { describe, expect, it } from 'vitest';
import { staleGovernanceMove, type GovernanceRequest, type SealMoveState } from './governance';

const request = (action: GovernanceRequest['action'], proposal: GovernanceRequest['proposal']) => ({ id: 'gov-1' as GovernanceRequest['id'], action, proposal });
const at = (status: SealMoveState['status'], lastMoveId: string | null = status === null ? null : 'move-1'): SealMoveState => ({ status, lastMoveId });

describe('staleGovernanceMove: an approved move is made only from the state of the seal its approvers signed', () => {
  it('applies from the proposal\'s own from, after the same last move', () => {
    expect(staleGovernanceMove(request('resume', { from: 'suspended', to: 'active', fromMoveId: 'move-1' }), at('suspended'))).toBeUndefined();
    expect(staleGovernanceMove(request('create', { from: null, to: 'active', fromMoveId: null }), at(null))).toBeUndefined();
    expect(staleGovernanceMove(request('report_lost', { from: 'active', to: 'lost', fromMoveId: 'move-1' }), at('active'))).toBeUndefined();
  });

  it('is stale once the seal has left that status (a resume from suspended of a seal lost meanwhile)', () => {
    expect(staleGovernanceMove(request('resume', { from: 'suspended', to: 'active', fromMoveId: 'move-1' }), at('lost', 'move-2'))).toMatch(/suspended → active, but the seal is lost now/);
    expect(staleGovernanceMove(request('create', { from: null, to: 'active', fromMoveId: null }), at('active'))).toMatch(/new → active, but the seal is active now/);
    expect(staleGovernanceMove(request('suspend', { from: 'active', to: 'suspended', fromMoveId: 'move-1' }), at(null))).toMatch(/not made now/);
  });

  it('is stale once the seal has moved since, back to the same status (a resume asked for one suspension does not lift a newer one)', () => {
    expect(staleGovernanceMove(request('resume', { from: 'suspended', to: 'active', fromMoveId: 'move-1' }), at('suspended', 'move-3'))).toMatch(/after its move "move-1", but the seal has moved since \(its last move is "move-3", suspended again\)/);
    expect(staleGovernanceMove(request('create', { from: null, to: 'active', fromMoveId: 'move-1' }), at(null))).toMatch(/has moved since/);
  });

  it('is stale when the request does not record the move it was asked after', () => {
    expect(staleGovernanceMove(request('resume', { from: 'suspended', to: 'active' }), at('suspended'))).toMatch(/does not record the seal's last move/);
  });

  it('refuses a move whose proposal is not the move its action makes', () => {
    expect(staleGovernanceMove(request('resume', { to: 'active', fromMoveId: 'move-1' }), at('suspended'))).toMatch(/does not propose the move it makes/);
    expect(staleGovernanceMove(request('resume', { from: 'suspended', to: 'revoked', fromMoveId: 'move-1' }), at('suspended'))).toMatch(/does not propose the move it makes/);
  });

  it('says nothing of a rename or a change of custodian (they move nothing)', () => {
    expect(staleGovernanceMove(request('rename', { name: '新名' }), at('active'))).toBeUndefined();
    expect(staleGovernanceMove(request('change_custodian', { custodianId: 'usr_b' as never }), at('suspended'))).toBeUndefined();
  });
});
