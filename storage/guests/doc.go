// Package guests is the guest-permissions room: who of each customer can
// see what in Teams, and what the account manager should change. It reads
// the roster Rapport synced (teams, private channels, their members with
// their roles, the tenant's guests with their invitation state, sign-in
// activity and account state), groups guests by customer account through
// their e-mail domain and the CRM's contacts and accounts, gathers the
// evidence per guest and derives recommendations, each with its reason
// and the evidence behind it. app/ only adapts it to the UI and the
// command line.
//
// # Invariants
//
//   - The store is the source of truth; this package holds no state
//     between calls. The roster is exactly what the last sync stored:
//     nothing is guessed or cached here.
//   - A guest is never offered the owner role (Actions), as Microsoft
//     Teams refuses it; a private channel's add and remove are offered
//     only for members of its team.
//   - Sign-in evidence prefers lastSuccessfulSignInDateTime (sync/graph);
//     when the tenant refused signInActivity (403, no Entra P1/P2 or no
//     AuditLog.Read.All) a guest's sign-in is "not available", never
//     "never signed in", and no inactivity recommendation rests on it
//     alone: the last message Rapport holds is then the evidence.
//   - An e-mail address maps to one account by storage/accounts, the
//     mapping the client metrics use too: the user's mapping of its
//     domain (Settings.Domains, kept there) first, then the CRM contact
//     with that address, then an account (or a contact) on that domain.
//   - Settings are kept in the store (setting "guests"); zero fields mean
//     the defaults (inactive 90 days, pending 30 days, a new customer
//     restricted for 3 months, a cap of 20 changes).
//   - Every recommendation names its kind, its reason in words and its
//     evidence; the same input always yields the same recommendations in
//     the same order.
package guests
