// Package accounts says which customer a person belongs to: the Dynamics
// 365 account of an e-mail address. The guest console groups guests by it
// and the client metrics count customers' waits by it, so both read this
// one mapping and the user edits it in one place.
//
// # Invariants
//
//   - An address maps to at most one account, in this order: the user's
//     mapping of its domain (Domains, kept in the store's setting
//     "account-domains"; "" maps a domain to no customer), then the CRM
//     contact with that address, then an account whose e-mail or web site
//     is on that domain, then a contact on that domain. Among accounts (or
//     contacts) the smallest id wins, so the same store always gives the
//     same answer.
//   - Deleted accounts and contacts count for nothing.
//   - Domains are compared lower case, without a leading "@"; a mapped
//     domain holds no space, "@" or "/".
//   - The mapping is read from the store when asked (Read) and holds no
//     state between calls. A store whose mapping was kept by the metrics'
//     or the guests' own settings (before this package) is read from
//     them until the mapping is first saved here, so nothing is lost.
package accounts
