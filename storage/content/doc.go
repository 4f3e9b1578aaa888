// Package content is what a stored message says, in one place: it turns
// the HTML of a Teams message and the content of its cards, both
// untrusted, into the HTML Rapport shows (Message, Card) and the plain text
// it indexes and quotes (Extract, Text); Of sums a message up (its text
// with subject, cards and file names; its files, images and links, the one
// rule of "has an attachment"); CaseNumbers finds Dynamics case numbers.
// Sync, search, links and the app all read messages through it.
//
// # Invariants
//
//   - Safe output contains only an allow-listed set of elements and
//     attributes: no script, style, iframe, object, form, event handler or
//     style attribute survives, and links keep only http, https and mailto
//     URLs (opened outside the app: target=_blank, rel=noopener noreferrer
//     nofollow).
//   - Images survive only as inline images of the message itself (Graph
//     hosted contents), rewritten to Rapport's local route; no remote
//     resource is ever loaded by the webview.
//   - Teams markup is rewritten first: <at> becomes a mention span,
//     <emoji> its character, <attachment> and <systemEventMessage> vanish
//     (files are listed from the message's attachments, cards rendered by
//     Card).
//   - Cards (Card: Adaptive, hero, thumbnail and Office 365 connector
//     cards) become text, a table of facts and action labels in a
//     div.teams-card, through a policy with the card classes, https links
//     only and no images at all. Card strings are escaped (Adaptive Cards
//     read a little markdown) or, where Teams allows HTML, sanitized; a
//     URL is never a card's visible word ("[link]"), and only an https
//     link action becomes a link: every other action is a label that runs
//     nothing.
//   - Text is derived from the safe HTML, so search never indexes what the
//     user cannot see; table cells stay separate words.
//
// Functions are pure and safe for concurrent use.
package content
