// The words every layer shares, and nothing else: kept apart so that the
// model, the registry of codes and the application protocols' types can all
// use them without importing one another.

/** The two ends of a connection: the client opened it (sent the SYN, or the upgrade request). */
export type Side = 'client' | 'server';

/** How bad a diagnostic is (src/codes.ts gives each code its severity). */
export type Severity = 'error' | 'warning' | 'info';
