package azure

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// GetServicePrincipalByAppID reads the service principal of an app; 404 → IsNotFound(err).
func (g *Graph) GetServicePrincipalByAppID(ctx context.Context, appID string) (*ServicePrincipal, error) {
	if appID == "" {
		return nil, errors.New("graph: get service principal: empty app id")
	}
	var sp ServicePrincipal
	if _, err := g.do(ctx, call{method: http.MethodGet, path: keyPath("servicePrincipals", "appId", appID), out: &sp, want: http.StatusOK}); err != nil {
		return nil, err
	}
	return &sp, nil
}

// CreateServicePrincipal creates the app's service principal (the portal does this on
// registration; Graph does not). Waits out replication of a just-created app. If one
// already exists (e.g. an earlier try was applied and its answer lost), returns it.
func (g *Graph) CreateServicePrincipal(ctx context.Context, appID string, tags []string) (*ServicePrincipal, error) {
	if appID == "" {
		return nil, errors.New("graph: create service principal: empty app id")
	}
	body := struct {
		AppID string   `json:"appId"`
		Tags  []string `json:"tags,omitempty"`
	}{appID, tags}
	var sp ServicePrincipal
	_, err := g.do(ctx, call{method: http.MethodPost, path: "/servicePrincipals", body: body, out: &sp, want: http.StatusCreated,
		kind: httpx.Create, replicated: appID, isReplErr: isNotValidAppObject})
	if ge, ok := AsGraphError(err); ok && isAlreadyExists(ge) {
		return g.GetServicePrincipalByAppID(ctx, appID)
	}
	if err != nil {
		return nil, err
	}
	g.ExpectReplication(sp.ID)
	return &sp, nil
}

// isAlreadyExists: Graph answers 409 Conflict / Request_MultipleObjectsWithSameKeyValue for a duplicate.
func isAlreadyExists(ge *GraphError) bool {
	return ge.StatusCode == http.StatusConflict || ge.Code == "Request_MultipleObjectsWithSameKeyValue" ||
		strings.Contains(strings.ToLower(ge.Message), "already exist")
}

// DeleteServicePrincipal deletes a service principal by object id.
func (g *Graph) DeleteServicePrincipal(ctx context.Context, id string) error {
	return g.delete(ctx, idPath("servicePrincipals", id), id)
}

// ListPermissionGrants lists delegated grants whose client is the given service principal.
func (g *Graph) ListPermissionGrants(ctx context.Context, clientSPID string) ([]OAuth2PermissionGrant, error) {
	if clientSPID == "" {
		return nil, errors.New("graph: list permission grants: empty service principal id")
	}
	return list[OAuth2PermissionGrant](ctx, g, "/oauth2PermissionGrants?"+filterQuery("clientId eq "+odataString(clientSPID)))
}

// CreatePermissionGrant grants delegated permissions (admin consent when ConsentType
// is "AllPrincipals" and PrincipalID nil). Waits out replication of a new service principal.
func (g *Graph) CreatePermissionGrant(ctx context.Context, gr OAuth2PermissionGrant) (*OAuth2PermissionGrant, error) {
	if gr.ClientID == "" || gr.ResourceID == "" || gr.ConsentType == "" {
		return nil, errors.New("graph: create permission grant: clientId, resourceId and consentType are required")
	}
	gr.ID = ""
	var out OAuth2PermissionGrant
	if _, err := g.do(ctx, call{method: http.MethodPost, path: "/oauth2PermissionGrants", body: gr, out: &out, want: http.StatusCreated,
		kind: httpx.Create, replicated: gr.ClientID, isReplErr: isNotValidAppObject}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdatePermissionGrantScope replaces a grant's space-separated scope, the
// only property Graph lets change (oauth2permissiongrant-update).
func (g *Graph) UpdatePermissionGrantScope(ctx context.Context, id, scope string) error {
	if id == "" {
		return errors.New("graph: update permission grant: empty id")
	}
	_, err := g.do(ctx, call{method: http.MethodPatch, path: idPath("oauth2PermissionGrants", id),
		body: map[string]string{"scope": scope}, want: http.StatusNoContent})
	return err
}

// Organization reads the signed-in tenant.
func (g *Graph) Organization(ctx context.Context) (*Organization, error) {
	orgs, err := list[Organization](ctx, g, "/organization")
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		return nil, hint.New("graph: GET /organization: no organization in the answer (a personal account?)", hint.Hint{Text: "sign in with a work or school account"})
	}
	return &orgs[0], nil
}

// Me reads the signed-in user (delegated sign-in only; a service principal gets an error).
func (g *Graph) Me(ctx context.Context) (*User, error) {
	var u User
	if _, err := g.do(ctx, call{method: http.MethodGet, path: "/me", out: &u, want: http.StatusOK}); err != nil {
		return nil, err
	}
	return &u, nil
}
