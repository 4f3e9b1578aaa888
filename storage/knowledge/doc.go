// Package knowledge is the knowledge base beyond tags (storage/tags):
// conversations marked best with a topic and a reason, FAQ entries
// drafted from conversations, template answers, the redaction of
// customers' personal data before anything leaves the laptop, and the
// monthly archive (Markdown and one self-contained HTML file, with an
// index by topic). app/ only adapts it to the UI and the command line;
// publishing the archive and the FAQ entries (outbox) reads it through
// Archive and Entry.
//
// # Invariants
//
//   - The store is the source of truth: every item is JSON in storage's
//     knowledge bucket (schema 8) under its kind and id. A best mark's id
//     is its target (message/CONV/MSG, thread/CHANNEL/ROOT or
//     range/CONV/FIRST/LAST), so a target is marked at most once; FAQ
//     entries and templates get ids the store never reuses. Items name
//     Teams' ids, never the store's numbers, so they survive resyncs and
//     index rebuilds.
//   - Targets are read by storage/capture (capture.Messages), the one
//     reader of message targets; an unreadable target is
//     capture.ErrInvalid and writes nothing.
//   - Topics are tag names (tags.Norm) and go through the tags room's
//     aliases: listing or archiving a topic finds every label of it.
//   - Redaction (Redactor) replaces customer names (guests, contacts,
//     accounts in the store), e-mail addresses, phone numbers and case
//     numbers with placeholders, the same value with the same placeholder
//     within an item, and returns the spans it replaced for a side by
//     side review. Organisation members' names are kept. Everything an
//     archive or Entry returns is redacted.
//   - An archive is a pure function of the store's data, the request and
//     the language: the same data gives the same bytes (no clock, sorted
//     everywhere). Message HTML is sanitized by storage/content exactly as
//     on screen; the HTML file holds no script, no event handler, no style
//     attribute and loads nothing remote: its CSS is the embedded
//     archive.css, allowed by hash in its Content-Security-Policy, and its
//     images are data: URIs of stored inline images that sniff as images.
//   - File names (SafeName) are safe on Windows, macOS and Linux: no path
//     separator or traversal, no reserved device name, no control or
//     reserved character, no trailing dot or space, at most 100 bytes.
//   - The package reads the store through Store, declared here; it holds
//     no state between calls and is safe for concurrent use.
package knowledge
