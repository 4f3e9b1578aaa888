package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/capture"
	"github.com/rapport-app/rapport/storage/digest"
	"github.com/rapport-app/rapport/storage/guests"
	"github.com/rapport-app/rapport/storage/knowledge"
	"github.com/rapport-app/rapport/storage/links"
	"github.com/rapport-app/rapport/storage/metrics"
	"github.com/rapport-app/rapport/storage/tags"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/cloud"
)

// errInvalid marks bad input from the UI or the command line.
var errInvalid = errors.New("invalid input")

// errNotFoundAccount is an account name `rapport metrics --account`
// finds no account by.
var errNotFoundAccount = fmt.Errorf("account %w", storage.ErrNotFound)

// errUnavailable marks a call that needs the store while it could not open.
var errUnavailable = errors.New("store unavailable")

// errNoClientID means no app registration is configured: sync is not set
// up (Settings → Microsoft 365 connection, or --client-id).
var errNoClientID = errors.New("sync is not set up: no app registration (client id); set it in Settings or pass --client-id")

// errReadOnly means the store holds another directory's data, kept to
// read after the connection moved: sync stays off.
var errReadOnly = errors.New("this data comes from another directory and is kept read-only; switch the connection back or start over")

// errTenantChange means a connection to another directory was saved while
// the store holds data: the user must choose to start over or keep it
// read-only.
var errTenantChange = errors.New("the connection points at another directory than the data here")

// Error is what the UI receives for a failed call. Field and Reason
// point at a connection field and say why (cloud.FieldError).
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

func (e Error) Error() string { return e.Code + ": " + e.Message }

var codes = []struct {
	target error
	code   string
	status int
}{
	{errInvalid, "invalid_argument", http.StatusBadRequest},
	{links.ErrInvalid, "invalid_argument", http.StatusBadRequest},
	{capture.ErrInvalid, "invalid_argument", http.StatusBadRequest},
	{links.ErrAmbiguous, "ambiguous", http.StatusBadRequest},
	{tags.ErrInvalid, "invalid_argument", http.StatusBadRequest},
	{search.ErrQuery, "invalid_argument", http.StatusBadRequest},
	{tags.ErrExists, "already_exists", http.StatusConflict},
	{metrics.ErrInvalid, "invalid_argument", http.StatusBadRequest},
	{digest.ErrInvalid, "invalid_argument", http.StatusBadRequest},
	{knowledge.ErrInvalid, "invalid_argument", http.StatusBadRequest},
	{knowledge.ErrExists, "already_exists", http.StatusConflict},
	{guests.ErrGuestOwner, "guest_owner", http.StatusBadRequest},
	{guests.ErrCap, "confirm_required", http.StatusConflict},
	{guests.ErrNotFound, "not_found", http.StatusNotFound},
	{guests.ErrNoReview, "not_found", http.StatusNotFound},
	{guests.ErrAmbiguous, "ambiguous", http.StatusBadRequest},
	{guests.ErrPlanned, "already_exists", http.StatusConflict},
	{guests.ErrReviewOpen, "already_exists", http.StatusConflict},
	{guests.ErrNoChanges, "failed_precondition", http.StatusConflict},
	{guests.ErrLastOwner, "failed_precondition", http.StatusConflict},
	{guests.ErrNotTeamMember, "failed_precondition", http.StatusConflict},
	{guests.ErrAlreadyMember, "failed_precondition", http.StatusConflict},
	{guests.ErrNotMember, "failed_precondition", http.StatusConflict},
	{guests.ErrAlreadyRole, "failed_precondition", http.StatusConflict},
	{guests.ErrNotPrivate, "invalid_argument", http.StatusBadRequest},
	{guests.ErrBadAction, "invalid_argument", http.StatusBadRequest},
	{guests.ErrBadDecision, "invalid_argument", http.StatusBadRequest},
	{guests.ErrBadSetting, "invalid_argument", http.StatusBadRequest},
	{auth.ErrConsentRequired, "consent_required", http.StatusForbidden},
	{errNoClientID, "no_client_id", http.StatusConflict},
	{errReadOnly, "read_only", http.StatusConflict},
	{errTenantChange, "tenant_change", http.StatusConflict},
	{cloud.ErrUnknownTenant, "tenant_unknown", http.StatusBadRequest},
	{cloud.ErrUntrusted, "authority_untrusted", http.StatusBadGateway},
	{cloud.ErrUnreachable, "authority_unreachable", http.StatusBadGateway},
	{cloud.ErrConfig, "invalid_argument", http.StatusBadRequest},
	{storage.ErrNotFound, "not_found", http.StatusNotFound},
	{storage.ErrState, "failed_precondition", http.StatusConflict},
	{links.ErrNotAllowed, "permission_denied", http.StatusForbidden},
	{storage.ErrLocked, "store_locked", http.StatusConflict},
	{storage.ErrSchemaTooNew, "store_too_new", http.StatusConflict},
	{storage.ErrCorrupt, "store_corrupt", http.StatusConflict},
	{errUnavailable, "store_unavailable", http.StatusServiceUnavailable},
	{errSearchUnavailable, "search_unavailable", http.StatusServiceUnavailable},
	{search.ErrInvalid, "invalid_argument", http.StatusBadRequest},
	{search.ErrClosed, "search_unavailable", http.StatusServiceUnavailable},
	{auth.ErrSignInRequired, "sign_in_required", http.StatusUnauthorized},
	{auth.ErrSignInFailed, "sign_in_failed", http.StatusUnauthorized},
	{context.Canceled, "canceled", 499},
	{context.DeadlineExceeded, "timeout", http.StatusGatewayTimeout},
}

// toError maps err onto the code the UI understands.
func toError(err error) Error {
	var e Error
	if errors.As(err, &e) {
		return e
	}
	var fe *cloud.FieldError
	if errors.As(err, &fe) {
		return Error{Code: "invalid_argument", Message: err.Error(), Field: fe.Field, Reason: fe.Reason}
	}
	for _, c := range codes {
		if errors.Is(err, c.target) {
			return Error{Code: c.code, Message: err.Error()}
		}
	}
	return Error{Code: "internal", Message: err.Error()}
}

func statusOf(code string) int {
	for _, c := range codes {
		if c.code == code {
			return c.status
		}
	}
	if code == "not_found_method" {
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}
