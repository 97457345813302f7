/**
 * The smart-seal protocol, its transports, the tablet-side client and the reference device.
 * Browser-safe: the Node-only simulator (file storage, CLI) lives in `./node` and is not exported.
 * See device-bridge/PROTOCOL.md.
 */

// Protocol: GATT service, framing, messages, codes.
export * from './protocol/gatt';
export * from './protocol/codes';
export { toFrames, readHeader, FRAME_FIRST, FRAME_LAST, MIN_FRAME_SIZE, MAX_FRAME_SIZE, DEFAULT_MAX_MESSAGE_BYTES, type FrameHeader } from './protocol/frames';
export { Reassembler, type ReassemblyEvent } from './protocol/Reassembler';
export { COMMANDS, PROTOCOL_VERSION, SUPPORTED_VERSIONS, type CommandName, type RequestOf, type ReplyOf, type GrantEvidence, type ErrorBody } from './protocol/messages';
export { encodeCommand, decodeCommand, encodeOkReply, encodeErrorReply, decodeReply, type DecodedCommand, type DecodedReply } from './protocol/envelope';
export { grantEvidence, approvedPayload, approvedRequest, type UnlockEvidence, type GrantEvidenceRefusalCode } from './protocol/grantWire';
export { EVENT_TYPE_CODES, logEntryFromWire, logEntryToWire } from './protocol/logWire';
export * from './protocol/orgRecords';
export * from './protocol/unlockRecord';
export * from './protocol/readRecord';
export { stampPhoto, PHOTO_SIDE } from './device/stampPhoto';

// Transports.
export * from './transport/Transport';
export { MemoryTransport, type MemoryTransportOptions } from './transport/memoryTransport';
export * from './transport/webBluetooth';

// Tablet-side client.
export { SealDeviceClient, type SealDeviceClientOptions, type DeviceInfo, type DeviceStatus, type DeviceNonce, type UnlockResult, type ReadSessionOpened, type LogPage } from './client/SealDeviceClient';
export { SealDeviceError, type SealDeviceErrorCode } from './client/SealDeviceError';

// Reference device (runs in the browser demo as in Node).
export { createSealDevice, type SealDevice, type SealDeviceOptions } from './device/createSealDevice';
export { DEFAULT_DEVICE_SETTINGS, type DeviceSettings } from './device/DeviceCore';
export type { StoragePort, ClockPort, KeyPort, DeviceKey, HardwarePort, HardwareHandlers, PhotoSubject, PressOutcome } from './device/ports';
export { MemoryStorage } from './device/MemoryStorage';
export { MemoryKeys, deviceKeyFrom } from './device/memoryKeys';
export { SimulatedHardware, SimulatedClock } from './device/SimulatedHardware';
export { StorageCorruptError } from './device/stateStore';
