/** The parts of `pouchdb-browser` and its IndexedDB adapter the browser bench uses (they ship no types). */
declare module 'pouchdb-browser' {
  interface PouchDatabase {
    bulkDocs(docs: object[]): Promise<unknown>;
    info(): Promise<{ doc_count: number }>;
    replicate: { to(url: string, options?: object): Promise<unknown>; from(url: string, options?: object): Promise<unknown> };
    destroy(): Promise<void>;
  }
  interface PouchStatic {
    new (name: string, options?: { adapter?: string }): PouchDatabase;
    plugin(plugin: unknown): PouchStatic;
  }
  const PouchDB: PouchStatic;
  export default PouchDB;
}
declare module 'pouchdb-adapter-indexeddb' {
  const plugin: unknown;
  export default plugin;
}
