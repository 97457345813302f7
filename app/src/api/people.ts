import {
  deactivationResponseSchema, userResponseSchema, usersResponseSchema,
  type DeactivationResponse, type Role, type UserView, type UserWithCredentials,
} from '@seal/shared';
import { apiRequest } from './request';

/** `GET /api/users`: the people of the reader's units, with their passkeys. */
export async function fetchPeople(): Promise<UserWithCredentials[]> {
  return (await apiRequest('GET', '/api/users', usersResponseSchema)).users;
}

/** `POST /api/users/:id/grants` (or `/revoke`): a role on a unit, granted or taken back. */
export async function changeRole(userId: string, mode: 'grant' | 'revoke', role: Role, unitId: string): Promise<UserView> {
  const path = `/api/users/${encodeURIComponent(userId)}/grants${mode === 'revoke' ? '/revoke' : ''}`;
  return (await apiRequest('POST', path, userResponseSchema, { role, unitId })).user;
}

/** `POST /api/users/:id/deactivate`: someone who left; their open requests are withdrawn. */
export async function deactivatePerson(userId: string): Promise<DeactivationResponse> {
  return apiRequest('POST', `/api/users/${encodeURIComponent(userId)}/deactivate`, deactivationResponseSchema);
}

/** `POST /api/users/:id/activate`. */
export async function reactivatePerson(userId: string): Promise<UserView> {
  return (await apiRequest('POST', `/api/users/${encodeURIComponent(userId)}/activate`, userResponseSchema)).user;
}
