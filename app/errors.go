package app

import (
	"context"
	"errors"
	"net/http"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/cloud"
)

// errInvalid marks bad input from the UI or the command line.
var errInvalid = errors.New("invalid input")

// errUnavailable marks a call that needs the store while it could not open.
var errUnavailable = errors.New("store unavailable")

// Error is what the UI receives for a failed call.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e Error) Error() string { return e.Code + ": " + e.Message }

var codes = []struct {
	target error
	code   string
	status int
}{
	{errInvalid, "invalid_argument", http.StatusBadRequest},
	{errAmbiguous, "ambiguous", http.StatusBadRequest},
	{cloud.ErrConfig, "invalid_argument", http.StatusBadRequest},
	{storage.ErrNotFound, "not_found", http.StatusNotFound},
	{storage.ErrState, "failed_precondition", http.StatusConflict},
	{errPermission, "permission_denied", http.StatusForbidden},
	{storage.ErrLocked, "store_locked", http.StatusConflict},
	{storage.ErrSchemaTooNew, "store_too_new", http.StatusConflict},
	{storage.ErrCorrupt, "store_corrupt", http.StatusConflict},
	{errUnavailable, "store_unavailable", http.StatusServiceUnavailable},
	{errSearchUnavailable, "search_unavailable", http.StatusServiceUnavailable},
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
