// A pattern the ReDoS scan must call vulnerable: proves the scan reads literals and can fail.
export const PLANTED = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^(\d+)+x$/
