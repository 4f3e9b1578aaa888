// Package crm is Rapport's catalogue of Dynamics 365: the Dataverse tables
// it keeps (entity sets, logical names, key and synced columns), how a
// record is titled and searched, the fields a card shows and the key
// fields whose changes linked chats hear about, option-set values, and the
// columns of the chats table that links chats to records.
//
// # Invariants
//
//   - Each fact about Dynamics' schema is written here once; sync, the
//     outbox, search, links and the UI (through frontend/src/api/crm.gen.ts,
//     which TestCatalogueGenerated checks against this package; `go
//     generate ./storage/crm` rewrites it) read it.
//   - Labels are keys ("crm.field.incidents.ticketnumber",
//     "crm.option.incidents.statecode.1"): the UI translates them; Label
//     gives the English text for the command line.
//   - The package holds no state and is safe for concurrent use.
package crm
