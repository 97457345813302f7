import { describe, expect, it } from 'vitest';
import { staleGovernanceMove, type GovernanceRequest } from './governance';

const request = (action: GovernanceRequest['action'], proposal: GovernanceRequest['proposal']) => ({ id: 'gov-1' as GovernanceRequest['id'], action, proposal });

describe('staleGovernanceMove: an approved move is made only from the status its approvers signed', () => {
  it('applies from the proposal\'s own from', () => {
    expect(staleGovernanceMove(request('resume', { from: 'suspended', to: 'active' }), 'suspended')).toBeUndefined();
    expect(staleGovernanceMove(request('create', { from: null, to: 'active' }), null)).toBeUndefined();
    expect(staleGovernanceMove(request('report_lost', { from: 'active', to: 'lost' }), 'active')).toBeUndefined();
  });

  it('is stale once the seal has left that status (a resume from suspended of a seal lost meanwhile)', () => {
    expect(staleGovernanceMove(request('resume', { from: 'suspended', to: 'active' }), 'lost')).toMatch(/suspended → active, but the seal is lost now/);
    expect(staleGovernanceMove(request('create', { from: null, to: 'active' }), 'active')).toMatch(/new → active, but the seal is active now/);
    expect(staleGovernanceMove(request('suspend', { from: 'active', to: 'suspended' }), null)).toMatch(/not made now/);
  });

  it('refuses a move whose proposal is not the move its action makes', () => {
    expect(staleGovernanceMove(request('resume', { to: 'active' }), 'suspended')).toMatch(/does not propose the move it makes/);
    expect(staleGovernanceMove(request('resume', { from: 'suspended', to: 'revoked' }), 'suspended')).toMatch(/does not propose the move it makes/);
  });

  it('says nothing of a rename or a change of custodian (they move nothing)', () => {
    expect(staleGovernanceMove(request('rename', { name: '新名' }), 'active')).toBeUndefined();
    expect(staleGovernanceMove(request('change_custodian', { custodianId: 'usr_b' as never }), 'suspended')).toBeUndefined();
  });
});
