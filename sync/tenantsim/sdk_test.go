package tenantsim_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	abs "github.com/microsoft/kiota-abstractions-go"
	khttp "github.com/microsoft/kiota-http-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/chats"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/teams"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

var ctx = context.Background()

func ptr[T any](v T) *T { return &v }

func TestDeviceCodeFlowStates(t *testing.T) {
	tests := []struct {
		flow    tenantsim.DeviceFlow
		wantErr string
	}{
		{tenantsim.DeviceApprove, ""},
		{tenantsim.DeviceDeny, "authorization_declined"},
		{tenantsim.DeviceExpire, "expired_token"},
		{tenantsim.DevicePending, ""}, // approved by the "user" below
	}
	for _, tt := range tests {
		t.Run(string(tt.flow), func(t *testing.T) {
			srv := startTenant(t, tenantsim.Options{Seed: 1})
			srv.Tenant().SetDeviceFlow(tt.flow)
			c, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			dc, err := msalApp(t, srv).AcquireTokenByDeviceCode(c, []string{srv.URLs().GraphResource + "/Chat.Read", srv.URLs().GraphResource + "/User.Read"})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(dc.Result.Message, dc.Result.UserCode) || !strings.HasPrefix(dc.Result.VerificationURL, "https://127.0.0.1:") {
				t.Errorf("device code message %q / %q", dc.Result.Message, dc.Result.VerificationURL)
			}
			if tt.flow == tenantsim.DevicePending {
				go func() {
					time.Sleep(300 * time.Millisecond)
					srv.Tenant().ApproveDevice(dc.Result.UserCode, "")
				}()
			}
			res, err := dc.AuthenticationResult(c)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.AccessToken == "" || res.Account.PreferredUsername != srv.Tenant().World().Me.UPN {
				t.Fatalf("result %+v", res.Account)
			}
		})
	}
}

func TestUnknownClientIsRefused(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 1})
	u := srv.URLs()
	app, err := public.New("11111111-2222-3333-4444-555555555555", public.WithAuthority(u.Authority+"/"+u.Tenant),
		public.WithInstanceDiscovery(false), public.WithHTTPClient(httpClient(srv)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = app.AcquireTokenByDeviceCode(ctx, []string{u.GraphResource + "/.default"})
	if err == nil || !strings.Contains(err.Error(), "AADSTS700016") {
		t.Fatalf("err = %v, want AADSTS700016", err)
	}
}

func TestInteractiveSignInWithPKCEAndSilentRefresh(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 1})
	app := msalApp(t, srv)
	scopes := []string{srv.URLs().GraphResource + "/.default"}
	openURL := simtest.Browser(t, srv)
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	res, err := app.AcquireTokenInteractive(c, scopes, public.WithRedirectURI("http://localhost"), public.WithOpenURL(openURL))
	if err != nil {
		t.Fatalf("interactive: %v", err)
	}
	g := newGraph(t, srv, res.AccessToken)
	if _, err := g.me().Get(ctx, nil); err != nil {
		t.Fatalf("GET /me with interactive token: %v", err)
	}
	// After the tokens expire, silent sign-in redeems the refresh token.
	srv.Tenant().ExpireTokens()
	if _, err := g.me().Get(ctx, nil); statusOf(err) != 401 {
		t.Fatalf("expired token: err = %v, want 401", err)
	}
	accts, err := app.Accounts(c)
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts %v %v", accts, err)
	}
	// MSAL serves its cached token until the expiry it was told; ask for
	// a refresh explicitly through a new scope set (Dataverse), then Graph.
	dv, err := app.AcquireTokenSilent(c, []string{srv.URLs().Dataverse + "/user_impersonation"}, public.WithSilentAccount(accts[0]))
	if err != nil || dv.AccessToken == "" || dv.AccessToken == res.AccessToken {
		t.Fatalf("silent refresh for Dataverse: %v", err)
	}
}

func statusOf(err error) int {
	var oe *odataerrors.ODataError
	if errors.As(err, &oe) {
		return oe.ResponseStatusCode
	}
	var ae *abs.ApiError
	if errors.As(err, &ae) {
		return ae.ResponseStatusCode
	}
	return 0
}

func codeOf(err error) string {
	var oe *odataerrors.ODataError
	if errors.As(err, &oe) && oe.GetErrorEscaped() != nil && oe.GetErrorEscaped().GetCode() != nil {
		return *oe.GetErrorEscaped().GetCode()
	}
	return ""
}

func TestScopesAreEnforced(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 1})
	res := signIn(t, srv, srv.URLs().GraphResource+"/User.Read")
	g := newGraph(t, srv, res.AccessToken)
	if _, err := g.me().Get(ctx, nil); err != nil {
		t.Fatalf("/me with User.Read: %v", err)
	}
	_, err := g.me().Chats().Get(ctx, nil)
	if statusOf(err) != 403 || codeOf(err) != "Forbidden" {
		t.Fatalf("/me/chats with User.Read only: %v (status %d), want 403 Forbidden", err, statusOf(err))
	}
	// A Dataverse token is refused by Graph (wrong audience).
	dv := signIn(t, srv, srv.URLs().Dataverse+"/.default")
	_, err = newGraph(t, srv, dv.AccessToken).me().Get(ctx, nil)
	if statusOf(err) != 401 {
		t.Fatalf("Dataverse token on Graph: %v, want 401", err)
	}
	// No token at all.
	_, err = newGraph(t, srv, "").me().Get(ctx, nil)
	if statusOf(err) != 401 {
		t.Fatalf("no token: %v, want 401", err)
	}
}

func TestListAndPageEveryCollection(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 3, Size: tenantsim.Small})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	w := srv.Tenant().World()

	me, err := g.me().Get(ctx, nil)
	if err != nil || *me.GetId() != w.Me.ID || *me.GetUserPrincipalName() != w.Me.UPN {
		t.Fatalf("/me: %v", err)
	}

	// Chats: 5 a page with members and the last message preview.
	cr, err := g.me().Chats().Get(ctx, &users.ItemChatsRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemChatsRequestBuilderGetQueryParameters{Expand: []string{"members", "lastMessagePreview"}, Top: ptr(int32(5))}})
	if err != nil {
		t.Fatal(err)
	}
	it, err := msgraphcore.NewPageIterator[models.Chatable](cr, g.adapter, models.CreateChatCollectionResponseFromDiscriminatorValue)
	if err != nil {
		t.Fatal(err)
	}
	var gotChats []models.Chatable
	if err := it.Iterate(ctx, func(c models.Chatable) bool { gotChats = append(gotChats, c); return true }); err != nil {
		t.Fatal(err)
	}
	if len(gotChats) != len(w.Chats) {
		t.Fatalf("chats: got %d, tenant has %d", len(gotChats), len(w.Chats))
	}
	for i, c := range gotChats {
		if len(c.GetMembers()) == 0 || c.GetLastMessagePreview() == nil {
			t.Fatalf("chat %s: members or preview missing", *c.GetId())
		}
		m, ok := c.GetMembers()[0].(models.AadUserConversationMemberable)
		if !ok || m.GetUserId() == nil || m.GetEmail() == nil {
			t.Fatalf("chat member is not an aadUserConversationMember: %T", c.GetMembers()[0])
		}
		if i > 0 && gotChats[i-1].GetLastUpdatedDateTime().Before(*c.GetLastUpdatedDateTime()) {
			t.Fatalf("chats not newest first at %d", i)
		}
	}

	// Every message of the busiest chat, newest first, 50 a page, equals
	// the ground truth.
	busiest := w.Chats[0]
	for _, c := range w.Chats {
		if c.Count > busiest.Count {
			busiest = c
		}
	}
	mr, err := g.chats().ByChatId(busiest.ID).Messages().Get(ctx, &chats.ItemMessagesRequestBuilderGetRequestConfiguration{
		QueryParameters: &chats.ItemMessagesRequestBuilderGetQueryParameters{Top: ptr(int32(50)), Orderby: []string{"lastModifiedDateTime desc"}}})
	if err != nil {
		t.Fatal(err)
	}
	mit, _ := msgraphcore.NewPageIterator[models.ChatMessageable](mr, g.adapter, models.CreateChatMessageCollectionResponseFromDiscriminatorValue)
	var got []string
	var prev *time.Time
	if err := mit.Iterate(ctx, func(m models.ChatMessageable) bool {
		got = append(got, *m.GetId())
		if prev != nil && m.GetLastModifiedDateTime().After(*prev) {
			t.Errorf("messages not newest first at %s", *m.GetId())
		}
		prev = m.GetLastModifiedDateTime()
		return true
	}); err != nil {
		t.Fatal(err)
	}
	truth, _ := srv.Tenant().Messages(busiest.ID)
	var want []string
	for _, m := range truth {
		want = append(want, m.ID)
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) || len(got) < 20 {
		t.Fatalf("chat %s: got %d messages, tenant has %d", busiest.ID, len(got), len(want))
	}

	// $top above 50 is refused as Graph refuses it.
	_, err = g.chats().ByChatId(busiest.ID).Messages().Get(ctx, &chats.ItemMessagesRequestBuilderGetRequestConfiguration{
		QueryParameters: &chats.ItemMessagesRequestBuilderGetQueryParameters{Top: ptr(int32(51))}})
	if statusOf(err) != 400 {
		t.Fatalf("$top=51: %v, want 400", err)
	}

	// Joined teams, channels (the private one included: we are an owner),
	// and team members with typed roles.
	jt, err := g.me().JoinedTeams().Get(ctx, nil)
	if err != nil || len(jt.GetValue()) != len(w.Teams) {
		t.Fatalf("joinedTeams: %v (%d)", err, len(jt.GetValue()))
	}
	team := w.Teams[0]
	chs, err := g.teams().ByTeamId(team.ID).Channels().Get(ctx, nil)
	if err != nil || len(chs.GetValue()) != len(team.Channels) {
		t.Fatalf("channels: %v", err)
	}
	private := 0
	for _, c := range chs.GetValue() {
		if *c.GetMembershipType() == models.PRIVATE_CHANNELMEMBERSHIPTYPE {
			private++
		}
	}
	if private != 1 {
		t.Errorf("private channels %d, want 1", private)
	}
	mem, err := g.teams().ByTeamId(team.ID).Members().Get(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]int{}
	for _, m := range mem.GetValue() {
		r := "member"
		if len(m.GetRoles()) > 0 {
			r = m.GetRoles()[0]
		}
		roles[r]++
	}
	if roles["owner"] == 0 || roles["guest"] == 0 {
		t.Errorf("team roles %v: want owners and guests", roles)
	}

	// Guests with their state and last sign-in.
	ur, err := g.users().Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{QueryParameters: &users.UsersRequestBuilderGetQueryParameters{
		Filter: ptr("userType eq 'Guest'"), Select: []string{"id", "displayName", "mail", "userType", "externalUserState", "signInActivity"}}})
	if err != nil {
		t.Fatal(err)
	}
	uit, _ := msgraphcore.NewPageIterator[models.Userable](ur, g.adapter, models.CreateUserCollectionResponseFromDiscriminatorValue)
	guests, pending, signedIn := 0, 0, 0
	uit.Iterate(ctx, func(u models.Userable) bool {
		guests++
		if *u.GetExternalUserState() == "PendingAcceptance" {
			pending++
		}
		if u.GetSignInActivity() != nil && u.GetSignInActivity().GetLastSignInDateTime() != nil {
			signedIn++
		}
		return true
	})
	wantGuests := 0
	for _, u := range w.Users {
		if u.IsGuest() {
			wantGuests++
		}
	}
	if guests != wantGuests || pending == 0 || signedIn == 0 {
		t.Fatalf("guests %d (want %d), pending %d, signed in %d", guests, wantGuests, pending, signedIn)
	}
}

// deltaRound runs channel delta until a deltaLink, returning root ids and
// the link.
func deltaRound(t *testing.T, g *graphClient, teamID, channelID, link string) (ids []string, replies int, deltaLink string) {
	t.Helper()
	b := g.teams().ByTeamId(teamID).Channels().ByChannelId(channelID).Messages().Delta()
	var res teams.ItemChannelsItemMessagesDeltaGetResponseable
	var err error
	if link == "" {
		res, err = b.GetAsDeltaGetResponse(ctx, &teams.ItemChannelsItemMessagesDeltaRequestBuilderGetRequestConfiguration{
			QueryParameters: &teams.ItemChannelsItemMessagesDeltaRequestBuilderGetQueryParameters{Top: ptr(int32(50)), Expand: []string{"replies"}}})
	} else {
		res, err = b.WithUrl(link).GetAsDeltaGetResponse(ctx, nil)
	}
	if err != nil {
		t.Fatalf("delta: %v", err)
	}
	it, err := msgraphcore.NewPageIterator[models.ChatMessageable](res, g.adapter, teams.CreateItemChannelsItemMessagesDeltaGetResponseFromDiscriminatorValue)
	if err != nil {
		t.Fatal(err)
	}
	if err := it.Iterate(ctx, func(m models.ChatMessageable) bool {
		ids = append(ids, *m.GetId())
		replies += len(m.GetReplies())
		return true
	}); err != nil {
		t.Fatalf("delta pages: %v", err)
	}
	if it.GetOdataDeltaLink() == nil {
		t.Fatal("delta round ended without a deltaLink")
	}
	return ids, replies, *it.GetOdataDeltaLink()
}

func TestChannelDeltaFullThenIncremental(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 5, Size: tenantsim.Small})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	tn := srv.Tenant()
	team := tn.World().Teams[0]
	var ch *tenantsim.Channel
	for _, c := range team.Channels {
		if ch == nil || c.Roots > ch.Roots {
			ch = c
		}
	}
	ids, replies, link := deltaRound(t, g, team.ID, ch.ID, "")
	truth, _ := tn.Messages(ch.ID)
	cutoff := end.Add(-240 * 24 * time.Hour)
	wantRoots, wantReplies := map[string]bool{}, 0
	for _, m := range truth {
		if m.ReplyToID == "" && !m.Created.Before(cutoff) {
			wantRoots[m.ID] = true
		}
	}
	for _, m := range truth {
		if m.ReplyToID != "" && wantRoots[m.ReplyToID] {
			wantReplies++
		}
	}
	if len(ids) != len(wantRoots) || replies != wantReplies {
		t.Fatalf("full round: %d roots %d replies, want %d roots %d replies (8-month window)", len(ids), replies, len(wantRoots), wantReplies)
	}
	for _, id := range ids {
		if !wantRoots[id] {
			t.Fatalf("delta returned %s, outside the window or unknown", id)
		}
	}

	// An idle round returns nothing.
	ids, _, link = deltaRound(t, g, team.ID, ch.ID, link)
	if len(ids) != 0 {
		t.Fatalf("idle round returned %d messages", len(ids))
	}

	// Another user posts, replies, edits and deletes; the next round
	// returns exactly the touched threads, deleted ones with deletedDateTime.
	guest := tn.World().Customers[0].Contacts[0].ID
	posted, err := tn.Post(ch.ID, "", guest, "<p>新问题：第二期付款发票什么时候开？</p>")
	if err != nil {
		t.Fatal(err)
	}
	oldRoot := truth[len(truth)-1]
	if oldRoot.ReplyToID != "" {
		oldRoot = &tenantsim.Message{ID: oldRoot.ReplyToID}
	}
	if _, err := tn.Post(ch.ID, oldRoot.ID, tn.World().Me.ID, "<p>收到，我跟进一下。</p>"); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.Delete(ch.ID, posted.ID); err != nil {
		t.Fatal(err)
	}
	ids, _, _ = deltaRound(t, g, team.ID, ch.ID, link)
	sort.Strings(ids)
	want := []string{posted.ID, oldRoot.ID}
	sort.Strings(want)
	if !slices.Equal(ids, want) {
		t.Fatalf("incremental round %v, want %v", ids, want)
	}
	m, err := g.teams().ByTeamId(team.ID).Channels().ByChannelId(ch.ID).Messages().ByChatMessageId(posted.ID).Get(ctx, nil)
	if err != nil || m.GetDeletedDateTime() == nil || *m.GetBody().GetContent() != "" {
		t.Fatalf("deleted message: %v", err)
	}

	// Expired delta tokens: 410 syncStateNotFound, surfaced by the SDK.
	tn.ExpireDeltaTokens()
	_, err = g.teams().ByTeamId(team.ID).Channels().ByChannelId(ch.ID).Messages().Delta().WithUrl(link).GetAsDeltaGetResponse(ctx, nil)
	if statusOf(err) != 410 || codeOf(err) != "syncStateNotFound" {
		t.Fatalf("expired delta: %v (%d %s), want 410 syncStateNotFound", err, statusOf(err), codeOf(err))
	}
}

func TestMembersAndInvitations(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 7})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	tn := srv.Tenant()
	w := tn.World()
	team := w.Teams[0]

	// Invite a new guest; the invitation creates a pending Guest user.
	inv := models.NewInvitation()
	inv.SetInvitedUserEmailAddress(ptr("lucie.martin@acme-bordeaux.fr"))
	inv.SetInvitedUserDisplayName(ptr("Lucie Martin (ACME)"))
	inv.SetInviteRedirectUrl(ptr("https://teams.microsoft.com"))
	inv.SetSendInvitationMessage(ptr(true))
	res, err := g.invitations().Post(ctx, inv, nil)
	if err != nil {
		t.Fatalf("invite: %v", err)
	}
	if *res.GetStatus() != "PendingAcceptance" || res.GetInvitedUser() == nil {
		t.Fatalf("invitation %v", *res.GetStatus())
	}
	guestID := *res.GetInvitedUser().GetId()
	u, err := g.users().ByUserId(guestID).Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: []string{"id", "userType", "externalUserState"}}})
	if err != nil || *u.GetUserType() != "Guest" || *u.GetExternalUserState() != "PendingAcceptance" {
		t.Fatalf("invited user: %v", err)
	}

	// Add the guest to the team: Graph gives guests the guest role.
	add := func(userID string, roles ...string) (models.ConversationMemberable, error) {
		m := models.NewAadUserConversationMember()
		m.SetRoles(roles)
		m.SetAdditionalData(map[string]any{"user@odata.bind": g.base + "/users('" + userID + "')"})
		return g.teams().ByTeamId(team.ID).Members().Post(ctx, m, nil)
	}
	if _, err := add(guestID, "owner"); statusOf(err) != 400 {
		t.Fatalf("guest as owner: %v, want 400", err)
	}
	m, err := add(guestID)
	if err != nil {
		t.Fatalf("add guest: %v", err)
	}
	if !slices.Equal(m.GetRoles(), []string{"guest"}) {
		t.Fatalf("guest roles %v", m.GetRoles())
	}
	if _, err := add(guestID); statusOf(err) != 409 {
		t.Fatalf("duplicate add: %v, want 409", err)
	}
	// Promote a colleague member to owner, then remove the guest.
	var colleague string
	for _, mb := range team.Members {
		if len(mb.Roles) == 0 {
			colleague = mb.UserID
		}
	}
	if colleague == "" {
		cm, err := add(w.Users[len(w.Users)-1].ID)
		if err == nil {
			colleague = *cm.(models.AadUserConversationMemberable).GetUserId()
		}
		for _, uu := range w.Users {
			if uu.Customer < 0 && !isIn(team.Members, uu.ID) && colleague == "" {
				cm, err := add(uu.ID)
				if err != nil {
					t.Fatal(err)
				}
				colleague = *cm.(models.AadUserConversationMemberable).GetUserId()
			}
		}
	}
	list, _ := g.teams().ByTeamId(team.ID).Members().Get(ctx, nil)
	ids := map[string]string{}
	for _, x := range list.GetValue() {
		ids[*x.(models.AadUserConversationMemberable).GetUserId()] = *x.GetId()
	}
	patch := models.NewAadUserConversationMember()
	patch.SetRoles([]string{"owner"})
	if colleague != "" {
		pm, err := g.teams().ByTeamId(team.ID).Members().ByConversationMemberId(ids[colleague]).Patch(ctx, patch, nil)
		if err != nil || !slices.Equal(pm.GetRoles(), []string{"owner"}) {
			t.Fatalf("promote: %v", err)
		}
	}
	if err := g.teams().ByTeamId(team.ID).Members().ByConversationMemberId(ids[guestID]).Delete(ctx, nil); err != nil {
		t.Fatalf("remove guest: %v", err)
	}
	list, _ = g.teams().ByTeamId(team.ID).Members().Get(ctx, nil)
	for _, x := range list.GetValue() {
		if *x.(models.AadUserConversationMemberable).GetUserId() == guestID {
			t.Fatal("removed guest still listed")
		}
	}
}

func isIn(ms []tenantsim.Member, id string) bool {
	return slices.ContainsFunc(ms, func(m tenantsim.Member) bool { return m.UserID == id })
}

func TestBatch(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 2})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	w := srv.Tenant().World()
	batch := msgraphcore.NewBatchRequest(g.adapter)
	var items []msgraphcore.BatchItem
	for _, c := range w.Chats[:3] {
		ri, err := g.chats().ByChatId(c.ID).Messages().ToGetRequestInformation(ctx, &chats.ItemMessagesRequestBuilderGetRequestConfiguration{
			QueryParameters: &chats.ItemMessagesRequestBuilderGetQueryParameters{Top: ptr(int32(5))}})
		if err != nil {
			t.Fatal(err)
		}
		it, err := batch.AddBatchRequestStep(*ri)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	resp, err := batch.Send(ctx, g.adapter)
	if err != nil {
		t.Fatalf("batch: %v", err)
	}
	for _, it := range items {
		page, err := msgraphcore.GetBatchResponseById[models.ChatMessageCollectionResponseable](resp, *it.GetId(), models.CreateChatMessageCollectionResponseFromDiscriminatorValue)
		if err != nil || len(page.GetValue()) == 0 {
			t.Fatalf("batch item %s: %v", *it.GetId(), err)
		}
	}
}

func TestFaultsSurfaceThroughTheSDK(t *testing.T) {
	tests := []struct {
		spec       string
		wantStatus int // 0: the SDK's retry succeeds
		wantErr    string
	}{
		{"429=1", 429, ""},
		{"429date=1", 429, ""},
		{"503=1", 503, ""},
		{"500=1", 500, ""},
		{"401=1", 401, ""},
		{"reset=1", 0, "EOF"},
		{"truncate=1", 0, "unexpected"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			srv := startTenant(t, tenantsim.Options{Seed: 1})
			g := newGraph(t, srv, signIn(t, srv).AccessToken, khttp.RetryHandlerOptions{MaxRetries: 1, DelaySeconds: 1})
			if err := srv.SetFaults(tt.spec); err != nil {
				t.Fatal(err)
			}
			_, err := g.me().Get(ctx, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.wantStatus != 0 && statusOf(err) != tt.wantStatus {
				t.Fatalf("err %v: status %d, want %d", err, statusOf(err), tt.wantStatus)
			}
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err %v, want %q", err, tt.wantErr)
			}
		})
	}
	// A 429 that clears is retried by the SDK and succeeds.
	srv := startTenant(t, tenantsim.Options{Seed: 1})
	g := newGraph(t, srv, signIn(t, srv).AccessToken, khttp.RetryHandlerOptions{MaxRetries: 5, DelaySeconds: 1})
	srv.SetFaults("429=0.5,seed=3")
	for i := 0; i < 4; i++ {
		if _, err := g.me().Get(ctx, nil); err != nil {
			t.Fatalf("request %d with retries: %v", i, err)
		}
	}
	if srv.FaultHits()["429"] == 0 {
		t.Fatal("no 429 was injected")
	}
}

func TestStopAndRestartKeepState(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 1})
	g := newGraph(t, srv, signIn(t, srv).AccessToken, khttp.RetryHandlerOptions{MaxRetries: 1, DelaySeconds: 1})
	c := srv.Tenant().World().Chats[0]
	posted, _ := srv.Tenant().Post(c.ID, "", srv.Tenant().World().Me.ID, "<p>offline test</p>")
	addr := srv.Addr()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := g.me().Get(ctx, nil); err == nil {
		t.Fatal("request succeeded while the tenant was stopped")
	}
	if err := srv.Start(""); err != nil {
		t.Fatal(err)
	}
	if srv.Addr() != addr {
		t.Fatalf("restarted on %s, want %s", srv.Addr(), addr)
	}
	m, err := g.chats().ByChatId(c.ID).Messages().ByChatMessageId(posted.ID).Get(ctx, nil)
	if err != nil || !strings.Contains(*m.GetBody().GetContent(), "offline test") {
		t.Fatalf("after restart (same token, same state): %v", err)
	}
}

var _ = fmt.Sprint

// Entra knows Microsoft Graph by its resource identifier, its application
// id or a bare permission name, wherever Graph is served; a scope naming
// the host the simulator serves Graph at is an unknown resource, as it is
// for Entra with any proxy or gateway.
func TestGraphScopeForms(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 1})
	u := srv.URLs()
	if u.GraphResource != "https://graph.microsoft.com" || strings.HasPrefix(u.Graph, u.GraphResource) {
		t.Fatalf("URLs: Graph %s, resource %s", u.Graph, u.GraphResource)
	}
	tests := []struct {
		name    string
		scopes  []string
		wantErr string // "" signs in and reads /me
	}{
		{"resource identifier, named", []string{"https://graph.microsoft.com/User.Read", "https://graph.microsoft.com/Chat.Read"}, ""},
		{"resource identifier, .default", []string{"https://graph.microsoft.com/.default"}, ""},
		{"bare names", []string{"User.Read", "Chat.Read"}, ""},
		{"application id", []string{"00000003-0000-0000-c000-000000000000/User.Read"}, ""},
		{"the endpoint's host", []string{u.Graph + "/User.Read"}, "AADSTS500011"},
		{"the endpoint's host, .default", []string{u.Graph + "/.default"}, "AADSTS500011"},
		{"another cloud's Graph", []string{"https://microsoftgraph.chinacloudapi.cn/User.Read"}, "AADSTS500011"},
		{"a permission not granted", []string{"Mail.Read"}, "AADSTS70011"},
		{"two resources", []string{"User.Read", u.Dataverse + "/user_impersonation"}, "AADSTS28000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			dc, err := msalApp(t, srv).AcquireTokenByDeviceCode(c, tt.scopes)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				if tt.wantErr == "AADSTS500011" && !strings.Contains(err.Error(), "invalid_resource") {
					t.Fatalf("err = %v, want invalid_resource", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			res, err := dc.AuthenticationResult(c)
			if err != nil {
				t.Fatalf("token: %v", err)
			}
			if _, err := newGraph(t, srv, res.AccessToken).me().Get(ctx, nil); err != nil {
				t.Fatalf("GET /me: %v", err)
			}
		})
	}
}
