import { decodeCbor, CborError, encodeCbor } from './cbor';
import { uint, WireError } from './codec';
import { DEVICE_CODES, deviceCodeOf, type DeviceCode, type DeviceErrorCode } from './codes';
import { commandOf, COMMANDS, errorBodyCodec, PROTOCOL_VERSION, SUPPORTED_VERSIONS, type CommandName, type ErrorBody, type ReplyOf, type RequestOf } from './messages';
import { wellFormedText } from './wellFormedText';

/**
 * The envelope of every message: a CBOR array `[version, op-or-status, body]`. A command carries
 * its op code; a reply carries its status (0 = ok, else a code of `DEVICE_CODES`) and, on ok,
 * the command's reply body, otherwise an error body.
 */

/** A command, encoded. */
export function encodeCommand<C extends CommandName>(name: C, body: RequestOf<C>): Uint8Array {
  const command = COMMANDS[name];
  return encodeCbor([PROTOCOL_VERSION, command.op, (command.request as { encode(v: unknown): unknown }).encode(body)]);
}

/** A decoded command, or why it cannot be acted on. */
export type DecodedCommand =
  | { readonly [C in CommandName]: { readonly ok: true; readonly name: C; readonly body: RequestOf<C> } }[CommandName]
  | { readonly ok: false; readonly code: DeviceErrorCode; readonly message: string; readonly body?: ErrorBody };

/** Decodes a command; never throws on bad input. */
export function decodeCommand(bytes: Uint8Array): DecodedCommand {
  let wire: unknown;
  try {
    wire = decodeCbor(bytes);
  } catch (error) {
    if (error instanceof CborError) return { ok: false, code: 'bad_message', message: error.message };
    throw error;
  }
  if (!Array.isArray(wire) || wire.length !== 3) return { ok: false, code: 'bad_message', message: 'expected [version, op, body]' };
  const [version, op, body] = wire as [unknown, unknown, unknown];
  if (version !== PROTOCOL_VERSION) {
    return { ok: false, code: 'unsupported_version', message: `protocol version ${String(version)}, this device speaks ${SUPPORTED_VERSIONS.join(', ')}`, body: { supportedVersions: [...SUPPORTED_VERSIONS] } };
  }
  const name = typeof op === 'number' ? commandOf(op) : undefined;
  if (name === undefined) return { ok: false, code: 'unknown_command', message: `unknown op ${String(op)}` };
  try {
    const decoded = (COMMANDS[name].request as { decode(w: unknown, p: string): unknown }).decode(body, name);
    return { ok: true, name, body: decoded } as DecodedCommand;
  } catch (error) {
    if (error instanceof WireError) return { ok: false, code: 'bad_message', message: error.message };
    throw error;
  }
}

/** An ok reply to a command. */
export function encodeOkReply<C extends CommandName>(name: C, body: ReplyOf<C>): Uint8Array {
  return encodeCbor([PROTOCOL_VERSION, DEVICE_CODES.ok, (COMMANDS[name].reply as { encode(v: unknown): unknown }).encode(body)]);
}

/** An error reply; the message is made well-formed and cut to 200 characters (`wellFormedText`). */
export function encodeErrorReply(code: DeviceErrorCode, body: ErrorBody = {}): Uint8Array {
  const message = body.message === undefined ? undefined : wellFormedText(body.message, 200);
  return encodeCbor([PROTOCOL_VERSION, DEVICE_CODES[code], errorBodyCodec.encode({ ...body, ...(message === undefined ? {} : { message }) })]);
}

/** A decoded reply: the body on ok, or the error's code (or number, if this side does not know it) and body. */
export type DecodedReply<C extends CommandName> =
  | { readonly ok: true; readonly body: ReplyOf<C> }
  | { readonly ok: false; readonly code: DeviceCode | 'unknown_error' | 'bad_reply'; readonly status: number; readonly body: ErrorBody };

/** Decodes a reply to command `name`; never throws on bad input (`bad_reply`). */
export function decodeReply<C extends CommandName>(name: C, bytes: Uint8Array): DecodedReply<C> {
  const badReply = (message: string): DecodedReply<C> => ({ ok: false, code: 'bad_reply', status: -1, body: { message } });
  try {
    const wire = decodeCbor(bytes);
    if (!Array.isArray(wire) || wire.length !== 3) return badReply('expected [version, status, body]');
    const [version, status, body] = wire as [unknown, unknown, unknown];
    if (version !== PROTOCOL_VERSION) return badReply(`reply in protocol version ${String(version)}`);
    const code = uint(255).decode(status, 'status');
    if (code === DEVICE_CODES.ok) return { ok: true, body: (COMMANDS[name].reply as { decode(w: unknown, p: string): unknown }).decode(body, name) as ReplyOf<C> };
    return { ok: false, code: deviceCodeOf(code) ?? 'unknown_error', status: code, body: errorBodyCodec.decode(body, 'error') };
  } catch (error) {
    if (error instanceof CborError || error instanceof WireError) return badReply(error.message);
    throw error;
  }
}
