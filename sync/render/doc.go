// Package render turns the HTML of a Teams message, which is untrusted,
// into the HTML Rapport shows and the plain text it indexes.
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
//     (attachments are shown from the message's attachment list).
//   - Text is derived from the safe HTML, so search never indexes what the
//     user cannot see.
//
// Functions are pure and safe for concurrent use.
package render
