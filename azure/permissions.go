package azure

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// documentedScopes are the delegated permissions Appmixer's setup guide names.
var documentedScopes = []string{"User.Read", "Files.Read.All", "Files.ReadWrite.All", "offline_access"}

// connectorScopes are the scopes all Microsoft connector components ask for
// (appmixer-connectors src/appmixer/microsoft; list in DESIGN.md).
var connectorScopes = []string{
	"Mail.Read", "Mail.ReadWrite", "Mail.Send", "MailboxSettings.Read", "Calendars.Read",
	"Calendars.ReadWrite", "Files.Read", "Files.ReadWrite", "Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All",
	"Sites.ReadWrite.All", "Directory.Read.All", "Subscription.Read.All", "Team.ReadBasic.All", "Channel.ReadBasic.All",
	"ChannelMessage.Read.All", "ChannelMessage.Send", "ChannelMessage.ReadWrite", "Channel.Create", "TeamMember.Read.All",
	"Chat.ReadBasic", "Chat.Read", "Chat.ReadWrite", "Chat.Create", "ChatMessage.Send",
}

// Presets are the named permission sets --permissions accepts.
var Presets = map[string][]string{
	"documented": documentedScopes,
	"onedrive":   append(append([]string{}, documentedScopes...), "Sites.Read.All"),
	"all":        append(append([]string{}, connectorScopes...), "offline_access", "User.Read"),
}

// PresetNames lists the preset names, sorted.
func PresetNames() []string {
	names := make([]string, 0, len(Presets))
	for n := range Presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ParsePermissionList turns a --permissions value (a preset name or a comma list)
// into scope names: trimmed, deduplicated case-insensitively, in first-seen order.
// "" means the documented preset. Names are checked against Graph by Catalogue.Resolve.
func ParsePermissionList(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		s = "documented"
	}
	if p, ok := Presets[strings.ToLower(s)]; ok {
		return append([]string(nil), p...), nil
	}
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		name := strings.TrimSpace(part)
		if name == "" {
			continue
		}
		if _, ok := Presets[strings.ToLower(name)]; ok {
			return nil, hint.Errorf(hint.Hint{Input: hint.Permissions, Value: strings.ToLower(name), Text: "give a preset alone, not inside a list"}, "permissions: %q is a preset inside a list", name)
		}
		if strings.ContainsAny(name, " \t/'\"") {
			return nil, hint.Errorf(hint.Change(hint.Permissions, "give names like Files.Read.All, separated by commas"), "permissions: %q is not a permission name", name)
		}
		if !seen[strings.ToLower(name)] {
			seen[strings.ToLower(name)] = true
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("permissions: no names in %q: use %s or a comma list like User.Read,Files.Read.All", s, strings.Join(PresetNames(), ", "))
	}
	return out, nil
}

// Catalogue maps Graph's delegated permission names to ids, from Graph's own
// service principal in the tenant (ids are never hard-coded).
type Catalogue struct {
	spID   string
	byName map[string]PermissionScope // lower-case value → scope
	byID   map[string]string          // lower-case id → value
	names  []string
}

// LoadCatalogue reads Graph's service principal once per Graph client; later calls reuse it.
func (g *Graph) LoadCatalogue(ctx context.Context) (*Catalogue, error) {
	g.mu.Lock()
	c := g.cat
	g.mu.Unlock()
	if c != nil {
		return c, nil
	}
	var sp ServicePrincipal
	if _, err := g.do(ctx, call{method: http.MethodGet, want: http.StatusOK, out: &sp,
		path: keyPath("servicePrincipals", "appId", GraphAppID) + "?$select=id,appId,oauth2PermissionScopes"}); err != nil {
		if IsNotFound(err) {
			return nil, fmt.Errorf("permissions: Microsoft Graph's service principal is missing from this tenant: %w", err)
		}
		return nil, fmt.Errorf("permissions: reading Graph's permission list: %w", err)
	}
	c, err := NewCatalogue(sp)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.cat = c
	g.mu.Unlock()
	return c, nil
}

// NewCatalogue builds a catalogue from Graph's service principal.
func NewCatalogue(sp ServicePrincipal) (*Catalogue, error) {
	if sp.ID == "" || len(sp.OAuth2PermissionScopes) == 0 {
		return nil, hint.New("permissions: Graph's service principal came back without an id or permission scopes", notGraph)
	}
	c := &Catalogue{spID: sp.ID, byName: map[string]PermissionScope{}, byID: map[string]string{}}
	for _, s := range sp.OAuth2PermissionScopes {
		if s.ID == "" || s.Value == "" {
			continue
		}
		c.byName[strings.ToLower(s.Value)] = s
		c.byID[strings.ToLower(s.ID)] = s.Value
		c.names = append(c.names, s.Value)
	}
	sort.Strings(c.names)
	return c, nil
}

// GraphSPID is the object id of Graph's service principal (resourceId of grants).
func (c *Catalogue) GraphSPID() string { return c.spID }

// Resolve maps scope names (any case) to delegated ResourceAccess entries.
// Unknown names give one error listing each with its closest real names.
func (c *Catalogue) Resolve(names []string) ([]ResourceAccess, error) {
	var out []ResourceAccess
	var unknown []string
	seen := map[string]bool{}
	for _, n := range names {
		s, ok := c.byName[strings.ToLower(strings.TrimSpace(n))]
		if !ok {
			msg := fmt.Sprintf("%q", n)
			if sug := Suggest(n, c.names, 3); len(sug) > 0 {
				msg += " (did you mean " + strings.Join(sug, ", ") + "?)"
			}
			unknown = append(unknown, msg)
			continue
		}
		if !seen[s.ID] {
			seen[s.ID] = true
			out = append(out, ResourceAccess{ID: s.ID, Type: "Scope"})
		}
	}
	if len(unknown) > 0 {
		return nil, hint.Errorf(hint.Change(hint.Permissions, "use Microsoft Graph's delegated permission names"), "permissions: not a Microsoft Graph delegated permission: %s", strings.Join(unknown, ", "))
	}
	return out, nil
}

// Names maps ids back to scope names (unknown ids shown as "unknown:<id>"), in input order.
func (c *Catalogue) Names(ids []ResourceAccess) []string {
	out := make([]string, 0, len(ids))
	for _, ra := range ids {
		if v, ok := c.byID[strings.ToLower(ra.ID)]; ok {
			out = append(out, v)
		} else {
			out = append(out, "unknown:"+ra.ID)
		}
	}
	return out
}

// ScopeNames lists every delegated scope Graph offers, sorted.
func (c *Catalogue) ScopeNames() []string { return append([]string(nil), c.names...) }
