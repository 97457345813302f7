/** The smart-seal protocol, its transports and the reference device. */
export {};
