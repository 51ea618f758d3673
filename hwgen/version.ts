/** The generator version written into every generated file's header and every report. */
export const HWGEN_VERSION = '0.1.0';
