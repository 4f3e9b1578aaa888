// Package cloud names the Microsoft clouds Rapport can talk to and resolves
// the endpoints and TLS trust for one of them.
//
// # Invariants
//
//   - Every endpoint is an absolute https URL without a trailing slash;
//     Resolve rejects anything else, so a typo fails at start-up rather than
//     as a confusing network error during sync.
//   - Explicit overrides always win over the named cloud's defaults.
//   - A bad value is a *FieldError (an ErrConfig) naming the field and a
//     reason code, so a UI can say what is wrong in its own language.
//   - Discover is the one call that reaches the network: it reads the
//     tenant's OpenID configuration with the configured TLS trust and
//     fails with ErrUnreachable, ErrUntrusted or ErrUnknownTenant.
//   - TLS trust is the system pool (which honours SSL_CERT_FILE and
//     SSL_CERT_DIR) plus, optionally, the certificates of one PEM file.
//
// The package holds no state and is safe for concurrent use.
package cloud
