package graph

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"10", 10 * time.Second},
		{"1.5", 1500 * time.Millisecond},
		{"Sun, 22 Nov 2026 10:00:30 GMT", 30 * time.Second},
		{"Sun, 22 Nov 2026 09:59:00 GMT", 0},
		{"", 0},
		{"soon", 0},
		{"-3", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestErrorSentinels(t *testing.T) {
	tests := []struct {
		err  *Error
		want error
	}{
		{&Error{Status: 401}, ErrUnauthorized},
		{&Error{Status: 403}, ErrForbidden},
		{&Error{Status: 404}, ErrNotFound},
		{&Error{Status: 410}, ErrGone},
		{&Error{Status: 400, Code: "syncStateNotFound"}, ErrGone},
		{&Error{Status: 429}, ErrThrottled},
		{&Error{Status: 503}, ErrUnavailable},
	}
	for _, tt := range tests {
		wrapped := fmt.Errorf("op: %w", tt.err)
		if !errors.Is(wrapped, tt.want) {
			t.Errorf("%v is not %v", tt.err, tt.want)
		}
		if tt.want != ErrThrottled && errors.Is(wrapped, ErrThrottled) {
			t.Errorf("%v wrongly matches ErrThrottled", tt.err)
		}
	}
}

func TestNewRejectsPlainHTTP(t *testing.T) {
	if _, err := New("http://graph.example", nil, nil, Options{}); err == nil {
		t.Fatal("plain http accepted")
	}
}
