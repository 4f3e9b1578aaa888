// Package tenantsim is a simulated Microsoft 365 tenant: the parts of
// Microsoft Entra ID, Microsoft Graph (Teams) and the Dataverse Web API
// that Rapport uses, served over loopback HTTPS so that the real
// msgraph-sdk-go and MSAL Go clients talk to it exactly as they would to
// Microsoft. It is the ground truth of Rapport's sync tests and the
// default tenant of `make demo`.
//
// # Invariants
//
//   - The world is a pure function of (seed, size, end of history): the
//     same inputs give the same users, teams, chats, messages and records.
//   - Messages are not stored: message i of a conversation is computed from
//     (seed, conversation, i), so a million-message tenant needs little
//     memory. Only messages changed after generation are held (overrides,
//     new posts), with a change sequence that drives delta tokens.
//   - Generated history is ordered: within a conversation creation times
//     strictly increase with the index, and every later fate of a generated
//     message (edit, deletion, reaction) happens before the next message is
//     created, so "newest first by lastModifiedDateTime" is index order.
//   - Wire shapes follow ../../shared/guides/graph-and-dataverse.md:
//     absolute @odata.nextLink/@odata.deltaLink, @odata.type on polymorphic
//     objects, RFC 3339 timestamps, Graph's error body, base64 member ids,
//     gzip request bodies accepted, $top bounds and $orderby/$filter rules,
//     at most 1,000 replies inlined by $expand=replies (then
//     replies@odata.nextLink).
//   - All state is guarded by Tenant.mu; Stop and Start keep it, so a test
//     can take the tenant offline and back on the same address.
//   - Faults are injected only when asked (Options.Faults, SetFaults), from
//     a seeded generator, so a failing run can be replayed.
package tenantsim
