// Package metrics is client metrics, a feature room: how fast the
// account manager's side answers customers in Teams chats and channel
// threads (in working hours or wall time), who is still waiting, how
// active each customer account is, and how its Dynamics 365 cases move.
// app/ only adapts it to the UI and the command line.
//
// # Definitions
//
//   - An organisation member is the signed-in user, a directory user who
//     is not a guest, or a member of one of our teams or chats without the
//     guest role whose e-mail is on the organisation's domain (sync keeps
//     only the user and the guests in the directory). A customer is anyone
//     else with a user id (a guest, another tenant's user, a person
//     outside the directory). Apps,
//     bots and connectors (messages with no user) and system events
//     (message types other than "message") are neither: they never start
//     or end a wait.
//   - A thread is a chat, or a channel thread (a root post and its
//     replies). A wait starts at a customer message in a thread that is
//     not already inside an open wait, and ends at the first later message
//     in the same thread by an organisation member. Customer follow-ups
//     (and the customer's colleagues' messages) before the reply do not
//     restart it; a reply in another thread does not end it. Messages are
//     ordered by creation time, then id. A deleted message still counts at
//     its creation time (it was seen); an edit changes nothing (the
//     creation time stays).
//   - First response time = end − start, on a clock: wall time ("24x7"),
//     or working time under the schedules of Settings: each schedule (days,
//     hours, time zone, holidays) is in force from its first day until the
//     next one's, and each moment is counted under the schedule in force
//     then. Working hours are local times, so a DST change moves them with
//     the clock on the wall; a wait entirely outside working hours that
//     ends at the start of the next working period counts 0.
//   - Unanswered: a wait with no end yet, aged on the same clock until now.
//   - Median and p90 are nearest-rank percentiles (the p-th percentile of n
//     sorted values is the ⌈p·n/100⌉-th), so every figure is a value that
//     occurred. Within target is the share of decided waits (answered, or
//     unanswered for longer than the target) answered within the target
//     (Settings, default 30 working minutes).
//   - A wait's account is the CRM account of the customer who started it:
//     the account its e-mail domain is mapped to in Settings, else the
//     contact with that e-mail address's account, else the account whose
//     e-mail or web site has that domain; failing all, the account the conversation is linked to in
//     Dynamics 365 (directly, or through a linked case's customer).
//   - Days and ISO weeks are those of the time zone of the schedule in
//     force now. A period [from, to] selects the waits that started in it
//     and the messages written in it.
//   - Activity counts members' and customers' messages (not bots', not
//     system events) and distinct active customers per week, and the
//     conversations each account's customers wrote in; an account whose
//     customers wrote nothing for QuietDays (default 14) is quiet. A
//     conversation's messages by members count for its account: Dynamics'
//     link, else its customers' most frequent account.
//   - Resolution: per account, Dynamics 365 cases opened (createdon) and
//     resolved (statecode 1, at its modifiedon) in the period; and threads
//     the user tagged resolved or unresolved (Settings' tags, default
//     "resolved" and "unresolved", with every alias of their topics). A tag
//     on a message or a channel thread applies to its thread and wins over
//     one on the whole conversation, which applies to each of its threads;
//     a thread tagged both is unresolved. A tagged thread counts in the
//     period of its newest message, under the account of the customer who
//     first waited in it (else the conversation's). Hashtags in message
//     text are not tags the user put: they do not count.
//
// # Invariants
//
//   - The figures are a function of the store and the settings: the
//     incremental model (a new message updates its thread, nothing else)
//     always answers what a computation from scratch would
//     (TestIncrementalEqualsScratch).
//   - The package reads the store through Store, declared here; it learns
//     about new messages from storage's WatchMessages feed, which only
//     queues them: they are applied at the next call, so a sync commit is
//     never held up. A feed that overflows, or directory changes that move
//     a conversation between chat and channel, rebuild from scratch.
//   - It writes nothing but its own settings (settings/metrics). Service is
//     safe for concurrent use.
package metrics
