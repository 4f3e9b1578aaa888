// The shapes of what Go's services take and answer, and of its events:
// generated from the Go types (types.gen.ts, app/tstypes_test.go) and the
// CRM catalogue (crm.gen.ts, storage/crm). Never write one by hand here:
// change the Go type and run `make generate`.
export * from './types.gen';
export * from './crm.gen';
