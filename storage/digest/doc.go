// Package digest is the weekly digest, a feature room: per CRM account,
// for one ISO week, what customers asked (the messages that started a
// wait), what is still open (waits with no answer yet), the response
// figures against the target, the account's Dynamics 365 cases opened,
// resolved or changed in the week, and whether it went quiet; and an
// overview of every account (the Monday summary a team posts to a
// channel). It reads the metrics room (storage/metrics) and the store;
// app/ only adapts it.
//
// Invariants:
//   - Deterministic: the same store, settings, week and language give the
//     same files byte for byte (nothing depends on the clock but the
//     metrics' "now", which Metrics sets to the week's end when the week
//     is over).
//   - Files are Markdown and one self-contained HTML file each: the CSS is
//     inline (from the embedded digest.css) and allowed by the file's own
//     Content-Security-Policy (default-src 'none', the style by its
//     hash); no script, no event-handler attribute, no remote reference.
//     Every text from a message, a name or a record is escaped (messages
//     are reduced to their text by storage/content first).
//   - File names are safe on Windows, macOS and Linux
//     (storage.CheckFileName).
//   - Headings and labels are in the user's language (zh-CN, en, fr).
package digest
