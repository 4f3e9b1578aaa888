package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/cloud"
	"github.com/rapport-app/rapport/sync/dataverse"
)

// EventConnectionChanged carries the ConnectionView after the connection
// was saved, the store started over, or sync found the account in
// another directory.
const EventConnectionChanged = "connection:changed"

// The connection in use is the one saved in Settings (storage.Connection)
// with each field set by a flag or a RAPPORT_* variable winning over it.

// effective is the connection in use, as resolved from the store and the
// flags.
type effective struct {
	saved  storage.Connection
	cloud  cloud.Name
	over   cloud.Endpoints
	locked map[string]string // field → the flag or variable that sets it
	ep     cloud.Endpoints   // valid when err is nil
	err    error             // why the connection is unusable
}

// connFields pairs each text field of a connection in Settings with the
// endpoint override it feeds.
var connFields = []struct {
	name  string
	saved func(*storage.Connection) *string
	over  func(*cloud.Endpoints) *string
}{
	{"authorityUrl", func(c *storage.Connection) *string { return &c.Authority }, func(e *cloud.Endpoints) *string { return &e.Authority }},
	{"graphUrl", func(c *storage.Connection) *string { return &c.Graph }, func(e *cloud.Endpoints) *string { return &e.Graph }},
	{"dataverseUrl", func(c *storage.Connection) *string { return &c.Dataverse }, func(e *cloud.Endpoints) *string { return &e.Dataverse }},
	{"tenant", func(c *storage.Connection) *string { return &c.Tenant }, func(e *cloud.Endpoints) *string { return &e.Tenant }},
	{"clientId", func(c *storage.Connection) *string { return &c.ClientID }, func(e *cloud.Endpoints) *string { return &e.ClientID }},
}

// overlay lays the flags over saved, field by field.
func (c *Core) overlay(saved storage.Connection) effective {
	e := effective{saved: saved, locked: map[string]string{}}
	source := func(field, flag string) string {
		if s := c.cfg.Sources[field]; s != "" {
			return s
		}
		return "--" + flag
	}
	e.cloud = cloud.Name(saved.Cloud)
	if c.cfg.Cloud != "" {
		e.cloud = c.cfg.Cloud
		e.locked["cloud"] = source("cloud", "cloud")
	}
	flags := c.cfg.Overrides
	for _, f := range connFields {
		if v := *f.over(&flags); v != "" {
			*f.over(&e.over) = v
			e.locked[f.name] = source(f.name, flagOf(f.name))
		} else {
			*f.over(&e.over) = *f.saved(&saved)
		}
	}
	// An authority flag that names its tenant sets the tenant too.
	if flags.Authority != "" && flags.Tenant == "" {
		if fe, err := cloud.Resolve(c.cfg.Cloud, cloud.Endpoints{Authority: flags.Authority}); err == nil && fe.Tenant != "organizations" {
			e.over.Tenant = ""
			e.locked["tenant"] = e.locked["authorityUrl"]
		}
	}
	e.ep, e.err = cloud.Resolve(e.cloud, e.over)
	return e
}

func flagOf(field string) string {
	for _, f := range connectionFlags {
		if f.field == field {
			return f.flag
		}
	}
	return field
}

// effective returns the connection in use, cached until the next save.
func (c *Core) effective() effective {
	c.mu.Lock()
	if c.eff != nil {
		defer c.mu.Unlock()
		return *c.eff
	}
	c.mu.Unlock()
	var saved storage.Connection
	if db, err := c.store(); err == nil {
		if s, err := db.Connection(c.ctx); err == nil {
			saved = s
		} else {
			c.log.Warn("read the saved connection", "err", err)
		}
	}
	e := c.overlay(saved)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.eff = &e
	return e
}

// forgetEffective drops the cached connection (after a save, a new store).
func (c *Core) forgetEffective() {
	c.mu.Lock()
	c.eff = nil
	c.mu.Unlock()
}

// tlsConfig is the TLS trust for Microsoft's services: --ca-file and the
// system store, or what the demo set.
func (c *Core) tlsConfig() (*tls.Config, error) {
	if c.sync.tls != nil {
		return c.sync.tls, nil
	}
	return cloud.TLSConfig(c.cfg.CAFile)
}

// Connection is the Microsoft 365 connection the Settings screen edits.
// It is safe for concurrent use.
type Connection struct{ c *Core }

// Permissions is what the app registration needs.
type Permissions struct {
	Graph       []string `json:"graph"`     // delegated Microsoft Graph permissions
	Dataverse   []string `json:"dataverse"` // delegated Dynamics CRM permissions
	RedirectURI string   `json:"redirectUri"`
}

// ConnectionView is the connection as Settings shows it.
type ConnectionView struct {
	// Saved is what Settings holds.
	Saved storage.Connection `json:"saved"`
	// Effective is what sync uses: Saved with flags winning (zero when
	// Problem is set).
	Effective cloud.Endpoints `json:"effective"`
	// Locked names, per field, the flag or variable that sets it; the
	// form shows those fields read-only.
	Locked map[string]string `json:"locked"`
	// Ready says sync can run: an app registration, usable endpoints, and
	// a store that is not kept read-only.
	Ready bool `json:"ready"`
	// Missing lists codes: no_client_id (sync cannot run), no_tenant
	// (sign-in goes through "organizations", which only a multi-tenant
	// registration accepts), no_dataverse (only Teams syncs).
	Missing []string `json:"missing"`
	// Problem says why the effective connection is unusable.
	Problem *Error `json:"problem,omitempty"`
	// Origin is the directory the store's data came from, and whether it
	// is kept read-only; HasData says whether the store holds any.
	Origin  storage.Origin `json:"origin"`
	HasData bool           `json:"hasData"`
	// Account is the signed-in user ("" when nobody is), AccountTenant
	// their directory's id.
	Account       string      `json:"account"`
	AccountTenant string      `json:"accountTenant,omitempty"`
	Permissions   Permissions `json:"permissions"`
	// Clouds are the clouds to choose from, with their addresses.
	Clouds []cloud.Info `json:"clouds"`
}

// What a connection may lack (ConnectionView.Missing).
const (
	MissingClientID  = "no_client_id"
	MissingTenant    = "no_tenant"
	MissingDataverse = "no_dataverse"
)

// Get returns the connection, what is missing and who is signed in.
func (s *Connection) Get() (ConnectionView, error) {
	c := s.c
	db, err := c.store()
	if err != nil {
		return ConnectionView{}, err
	}
	e := c.effective()
	v := ConnectionView{Saved: e.saved, Locked: e.locked, Missing: []string{},
		Permissions: Permissions{Graph: auth.GraphPermissions(), Dataverse: []string{auth.DataversePermission}, RedirectURI: auth.RedirectURI},
		Clouds:      cloud.Clouds()}
	if e.err != nil {
		pe := toError(e.err)
		v.Problem = &pe
	} else {
		v.Effective = e.ep
	}
	if e.over.ClientID == "" {
		v.Missing = append(v.Missing, MissingClientID)
	}
	if e.err == nil && e.ep.Tenant == "organizations" {
		v.Missing = append(v.Missing, MissingTenant)
	}
	if e.err == nil && e.ep.Dataverse == "" {
		v.Missing = append(v.Missing, MissingDataverse)
	}
	if v.Origin, err = db.Origin(c.ctx); err != nil {
		return ConnectionView{}, err
	}
	if v.HasData, err = db.HasSynced(c.ctx); err != nil {
		return ConnectionView{}, err
	}
	v.Ready = e.err == nil && e.over.ClientID != "" && !v.Origin.ReadOnly
	if v.Ready {
		if conn, err := c.connect(); err == nil {
			v.Account = conn.sess.Account(c.ctx)
			v.AccountTenant = conn.sess.TenantID(c.ctx)
		}
	}
	return v, nil
}

// TenantChoice is what Save does when the connection names another
// directory than the store's data: "" (ask: tenant_change), or one of:
type TenantChoice string

// Tenant-change choices for Save.
const (
	ChoiceAsk          TenantChoice = ""
	ChoiceStartOver    TenantChoice = "start_over"     // move the store aside, sync the new directory into a fresh one
	ChoiceKeepReadOnly TenantChoice = "keep_read_only" // keep the data to read; sync stays off
)

// Save validates the connection and keeps it in the store. Fields set by
// flags keep the saved value (the flag wins anyway). The endpoints must
// resolve, and the sign-in service must know the tenant (OpenID
// discovery, with the configured TLS trust). When the store holds data
// from another directory than the one the connection now names, Save
// fails with tenant_change unless choice is start_over or
// keep_read_only. After saving, sync uses the new connection; a change of
// sign-in service, directory or app registration signs the user out.
func (s *Connection) Save(in storage.Connection, choice TenantChoice) (ConnectionView, error) {
	c := s.c
	switch choice {
	case ChoiceAsk, ChoiceStartOver, ChoiceKeepReadOnly:
	default:
		return ConnectionView{}, fmt.Errorf("%w: choice %q (want %s or %s)", errInvalid, choice, ChoiceStartOver, ChoiceKeepReadOnly)
	}
	c.connMu.Lock()
	defer c.connMu.Unlock()
	db, err := c.store()
	if err != nil {
		return ConnectionView{}, err
	}
	old := c.effective()
	for _, p := range []*string{&in.Cloud, &in.Authority, &in.Graph, &in.Dataverse, &in.Tenant, &in.ClientID} {
		*p = strings.TrimSpace(*p)
	}
	in.Cloud = strings.ToLower(in.Cloud)
	// A locked field keeps what was saved: the form cannot change it.
	if _, ok := old.locked["cloud"]; ok {
		in.Cloud = old.saved.Cloud
	}
	for _, f := range connFields {
		if _, ok := old.locked[f.name]; ok {
			*f.saved(&in) = *f.saved(&old.saved)
		}
	}
	next := c.overlay(in)
	if err := cloud.CheckApp(next.over.Tenant, next.over.ClientID); err != nil {
		return ConnectionView{}, err
	}
	if next.err != nil {
		return ConnectionView{}, next.err
	}
	tlsConf, err := c.tlsConfig()
	if err != nil {
		return ConnectionView{}, err
	}
	d, err := cloud.Discover(c.ctx, next.ep, tlsConf)
	if err != nil {
		e := toError(err)
		e.Field = "authorityUrl"
		if errors.Is(err, cloud.ErrUnknownTenant) {
			e.Field = "tenant"
		}
		return ConnectionView{}, e
	}
	origin, err := db.Origin(c.ctx)
	if err != nil {
		return ConnectionView{}, err
	}
	has, err := db.HasSynced(c.ctx)
	if err != nil {
		return ConnectionView{}, err
	}
	if origin.TenantID == "" && has {
		// Data synced before Rapport recorded its directory: the signed-in
		// account (of the connection being replaced) says where it came from.
		if conn, err := c.connect(); err == nil {
			origin.TenantID = conn.sess.TenantID(c.ctx)
		}
	}
	other := d.TenantID != "" && origin.TenantID != "" && !strings.EqualFold(d.TenantID, origin.TenantID)
	startOver := false
	switch {
	case other && has && choice == ChoiceAsk:
		return ConnectionView{}, Error{Code: "tenant_change", Message: fmt.Sprintf("%v: the data here comes from directory %s, the connection names %s: start over or keep the data read-only",
			errTenantChange, origin.TenantID, d.TenantID)}
	case other && has && choice == ChoiceKeepReadOnly:
		origin.ReadOnly, origin.ReadOnlyFor = true, d.TenantID
	case other && has && choice == ChoiceStartOver:
		startOver = true
	case other: // nothing synced from the old directory: the next round records the new one
		origin = storage.Origin{}
	case origin.ReadOnly && d.TenantID != "": // back to the data's own directory
		origin.ReadOnly, origin.ReadOnlyFor = false, ""
	}
	if err := db.PutConnection(c.ctx, in); err != nil {
		return ConnectionView{}, err
	}
	if !startOver {
		if err := db.SetOrigin(c.ctx, origin); err != nil {
			return ConnectionView{}, err
		}
	}
	c.forgetEffective()
	identity := old.err != nil || !strings.EqualFold(old.ep.Authority, next.ep.Authority) ||
		!strings.EqualFold(old.ep.Tenant, next.ep.Tenant) || old.ep.ClientID != next.ep.ClientID
	c.reconnect(identity || startOver)
	if startOver {
		if _, err := c.startOver(origin.TenantID); err != nil {
			return ConnectionView{}, err
		}
	}
	c.log.Info("connection saved", "authority", next.ep.Authority, "tenant", next.ep.Tenant, "tenantId", d.TenantID,
		"dataverse", next.ep.Dataverse, "startOver", startOver, "readOnly", origin.ReadOnly)
	v, err := s.Get()
	if err == nil {
		c.events.Emit(EventConnectionChanged, v)
	}
	return v, err
}

// StartOver moves the store aside (to previous-<tenant>-<date>.db in the
// data directory, whole) and continues in a fresh one with the same
// settings; the search index rebuilds, and the next sign-in and sync fill
// the new store. Use it to leave data kept read-only behind.
func (s *Connection) StartOver() (ConnectionView, error) {
	c := s.c
	c.connMu.Lock()
	defer c.connMu.Unlock()
	db, err := c.store()
	if err != nil {
		return ConnectionView{}, err
	}
	origin, err := db.Origin(c.ctx)
	if err != nil {
		return ConnectionView{}, err
	}
	c.reconnect(origin.ReadOnly) // the account signed in belongs to the new directory, or nobody is
	if _, err := c.startOver(origin.TenantID); err != nil {
		return ConnectionView{}, err
	}
	v, err := s.Get()
	if err == nil {
		c.events.Emit(EventConnectionChanged, v)
	}
	return v, err
}

// ConnectionCheck is what Check found.
type ConnectionCheck struct {
	// Discovery is nil when the sign-in service knows the tenant;
	// TenantID is then the directory's id (unless the tenant is a
	// multi-tenant alias).
	Discovery *Error `json:"discovery,omitempty"`
	TenantID  string `json:"tenantId,omitempty"`
	// Account is who is signed in ("" when nobody is), AccountTenant their
	// directory.
	Account       string `json:"account,omitempty"`
	AccountTenant string `json:"accountTenant,omitempty"`
	// Dataverse is ok, not_set (no Dynamics 365 URL), not_signed_in or
	// failed (DataverseError says why); DataverseUser is the systemuser id
	// WhoAmI answered.
	Dataverse      string `json:"dataverse"`
	DataverseUser  string `json:"dataverseUserId,omitempty"`
	DataverseError *Error `json:"dataverseError,omitempty"`
}

// What Check found of Dataverse (ConnectionCheck.Dataverse).
const (
	DataverseOK          = "ok"
	DataverseNotSet      = "not_set"
	DataverseNotSignedIn = "not_signed_in"
	DataverseFailed      = "failed"
)

// Check tests the connection in use: OpenID discovery of the tenant, who
// is signed in, and Dataverse's WhoAmI with the user's token.
func (s *Connection) Check() (ConnectionCheck, error) {
	c := s.c
	e := c.effective()
	if e.err != nil {
		return ConnectionCheck{}, e.err
	}
	ctx, cancel := context.WithTimeout(c.ctx, 45*time.Second)
	defer cancel()
	out := ConnectionCheck{Dataverse: DataverseNotSignedIn}
	tlsConf, err := c.tlsConfig()
	if err != nil {
		return ConnectionCheck{}, err
	}
	if d, err := cloud.Discover(ctx, e.ep, tlsConf); err != nil {
		de := toError(err)
		out.Discovery = &de
	} else {
		out.TenantID = d.TenantID
	}
	conn, err := c.connect()
	if err != nil {
		if e.ep.Dataverse == "" {
			out.Dataverse = DataverseNotSet
		}
		return out, nil
	}
	out.Account, out.AccountTenant = conn.sess.Account(ctx), conn.sess.TenantID(ctx)
	switch {
	case conn.dv == nil:
		out.Dataverse = DataverseNotSet
	case out.Account == "":
	default:
		w, err := conn.dv.WhoAmI(ctx)
		if err != nil {
			de := dataverseError(err)
			out.Dataverse, out.DataverseError = DataverseFailed, &de
		} else {
			out.Dataverse, out.DataverseUser = DataverseOK, w.UserID
		}
	}
	return out, nil
}

// dataverseError codes a failed WhoAmI: dataverse_denied (the user has
// no Dynamics 365 access), dataverse_not_found (no organisation at that
// URL), dataverse_unreachable, sign_in_required, or dataverse_failed.
func dataverseError(err error) Error {
	var de *dataverse.Error
	var ne net.Error
	var ue *url.Error
	code := "dataverse_failed"
	switch {
	case errors.Is(err, auth.ErrSignInRequired):
		code = "sign_in_required"
	case errors.As(err, &de) && (de.Status == 401 || de.Status == 403):
		code = "dataverse_denied"
	case errors.As(err, &de) && de.Status == 404:
		code = "dataverse_not_found"
	case errors.As(err, &ne), errors.As(err, &ue):
		code = "dataverse_unreachable"
	}
	return Error{Code: code, Message: err.Error(), Field: "dataverseUrl"}
}
