package azure

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// odataString quotes a value for an OData literal: ' doubled (Graph $filter syntax).
func odataString(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }

// keyPath is an OData key segment like applications(appId='…'), escaped for a URL path.
func keyPath(collection, key, value string) string {
	return "/" + collection + "(" + key + "=" + url.PathEscape(odataString(value)) + ")"
}

func idPath(collection, id string) string { return "/" + collection + "/" + url.PathEscape(id) }

func filterQuery(filter string) string {
	return "$filter=" + strings.ReplaceAll(url.QueryEscape(filter), "+", "%20")
}

type listPage[T any] struct {
	Value    []T    `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

// maxPages bounds paging so a misbehaving server cannot loop us forever.
const maxPages = 50

// list follows @odata.nextLink, which must stay on the Graph base URL.
func list[T any](ctx context.Context, g *Graph, path string) ([]T, error) {
	var all []T
	for range maxPages {
		var page listPage[T]
		if _, err := g.do(ctx, call{method: http.MethodGet, path: path, out: &page, want: http.StatusOK}); err != nil {
			return nil, err
		}
		if page.Value == nil && page.NextLink == "" {
			return nil, hint.Errorf(notGraph, "graph: GET %s: the answer has no \"value\" list", pathOnly(path))
		}
		all = append(all, page.Value...)
		if page.NextLink == "" {
			return all, nil
		}
		if !strings.HasPrefix(page.NextLink, g.base+"/") {
			return nil, fmt.Errorf("graph: GET %s: next page link leaves %s: refusing to follow it", pathOnly(path), g.base)
		}
		path = strings.TrimPrefix(page.NextLink, g.base)
	}
	return nil, fmt.Errorf("graph: GET %s: more than %d pages", pathOnly(path), maxPages)
}

// FindApplications lists applications matching the filter (all set fields must match).
func (g *Graph) FindApplications(ctx context.Context, f AppFilter) ([]Application, error) {
	var parts []string
	if f.DisplayName != "" {
		parts = append(parts, "displayName eq "+odataString(f.DisplayName))
	}
	if f.AppID != "" {
		parts = append(parts, "appId eq "+odataString(f.AppID))
	}
	if f.Tag != "" {
		parts = append(parts, "tags/any(t:t eq "+odataString(f.Tag)+")")
	}
	if len(parts) == 0 {
		return nil, errors.New("graph: find applications: give a display name, app ID or tag to filter by")
	}
	return list[Application](ctx, g, "/applications?"+filterQuery(strings.Join(parts, " and ")))
}

// GetApplication reads an application by object id; waits out replication for apps created here.
func (g *Graph) GetApplication(ctx context.Context, objectID string) (*Application, error) {
	if objectID == "" {
		return nil, errors.New("graph: get application: empty object id")
	}
	var a Application
	_, err := g.do(ctx, call{method: http.MethodGet, path: idPath("applications", objectID), out: &a, want: http.StatusOK,
		replicated: objectID, isReplErr: isAppNotReplicated})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// GetApplicationByAppID reads an application by its client id; 404 → IsNotFound(err).
func (g *Graph) GetApplicationByAppID(ctx context.Context, appID string) (*Application, error) {
	if appID == "" {
		return nil, errors.New("graph: get application: empty app id")
	}
	var a Application
	_, err := g.do(ctx, call{method: http.MethodGet, path: keyPath("applications", "appId", appID), out: &a, want: http.StatusOK,
		replicated: appID, isReplErr: isAppNotReplicated})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateApplication creates an application in one POST. Not retried except on 429
// (a retry after a lost answer would create a duplicate): tag what you create so
// leftovers can be found.
func (g *Graph) CreateApplication(ctx context.Context, a Application) (*Application, error) {
	if a.DisplayName == "" {
		return nil, errors.New("graph: create application: a display name is required")
	}
	a.ID, a.AppID, a.PasswordCredentials, a.CreatedDateTime = "", "", nil, time.Time{} // read-only / not settable here
	var out Application
	if _, err := g.do(ctx, call{method: http.MethodPost, path: "/applications", body: a, out: &out, want: http.StatusCreated, kind: httpx.Create}); err != nil {
		return nil, err
	}
	if out.ID == "" || out.AppID == "" {
		return nil, hint.New("graph: POST /applications: the answer has no id or appId", notGraph)
	}
	g.ExpectReplication(out.ID, out.AppID)
	return &out, nil
}

// UpsertApplication creates the app under a client-chosen uniqueName, or
// updates the one that already has it: PATCH /applications(uniqueName='…')
// with "Prefer: create-if-missing" (learn.microsoft.com/graph/api/application-upsert).
// Unlike POST it is safe to repeat, so azcore retries it like any idempotent
// call, and a create whose answer was lost is found again, never duplicated.
// created is false when the app existed (204): it is then read back.
func (g *Graph) UpsertApplication(ctx context.Context, uniqueName string, a Application) (app *Application, created bool, err error) {
	if uniqueName == "" {
		return nil, false, errors.New("graph: upsert application: empty uniqueName")
	}
	a.ID, a.AppID, a.PasswordCredentials, a.CreatedDateTime = "", "", nil, time.Time{} // read-only / not settable here
	path := keyPath("applications", "uniqueName", uniqueName)
	var out Application
	// With create-if-missing a 404 can only mean the app exists but has not
	// replicated to the server that answered: wait it out like any fresh object.
	g.ExpectReplication(uniqueName)
	if _, err := g.do(ctx, call{method: http.MethodPatch, path: path, body: a, out: &out, want: http.StatusCreated,
		prefer: "create-if-missing", orNoContent: true, replicated: uniqueName, isReplErr: isAppNotReplicated}); err != nil {
		return nil, false, err
	}
	if out.ID != "" {
		if out.AppID == "" {
			return nil, false, hint.New("graph: PATCH /applications(uniqueName=…): the answer has no appId", notGraph)
		}
		g.ExpectReplication(out.ID, out.AppID, uniqueName)
		return &out, true, nil
	}
	// It existed (an earlier, unanswered try made it): read it, waiting out replication.
	if _, err := g.do(ctx, call{method: http.MethodGet, path: path, out: &out, want: http.StatusOK,
		replicated: uniqueName, isReplErr: isAppNotReplicated}); err != nil {
		return nil, false, err
	}
	g.ExpectReplication(out.ID, out.AppID, uniqueName)
	return &out, false, nil
}

// UpdateApplication PATCHes only the non-nil fields; waits out replication.
func (g *Graph) UpdateApplication(ctx context.Context, objectID string, patch ApplicationPatch) error {
	if objectID == "" {
		return errors.New("graph: update application: empty object id")
	}
	if patch.IsEmpty() {
		return nil // nothing to change: no request
	}
	_, err := g.do(ctx, call{method: http.MethodPatch, path: idPath("applications", objectID), body: patch, want: http.StatusNoContent,
		replicated: objectID, isReplErr: isAppNotReplicated})
	return err
}

// DeleteApplication deletes an application (it goes to the directory's recycle bin).
func (g *Graph) DeleteApplication(ctx context.Context, objectID string) error {
	return g.delete(ctx, idPath("applications", objectID), objectID)
}

func (g *Graph) delete(ctx context.Context, path, id string) error {
	if id == "" {
		return fmt.Errorf("graph: DELETE %s: empty id", path)
	}
	_, err := g.do(ctx, call{method: http.MethodDelete, path: path, want: http.StatusNoContent,
		replicated: id, isReplErr: isAppNotReplicated, goneIsDone: true})
	if err == nil {
		g.forget(id)
	}
	return err
}

// AddPassword creates a client secret. The POST is never retried by azcore
// except on 429 (not processed), so a lost answer cannot leave a second secret
// behind; use a displayName that marks it as ours so leftovers can be found.
// A tenant policy capping lifetimes gives *SecretLifetimeError.
func (g *Graph) AddPassword(ctx context.Context, objectID, displayName string, end time.Time) (*PasswordCredential, error) {
	if objectID == "" {
		return nil, errors.New("graph: add password: empty object id")
	}
	type pc struct {
		DisplayName string    `json:"displayName,omitempty"`
		EndDateTime time.Time `json:"endDateTime,omitzero"`
	}
	body := struct {
		PasswordCredential pc `json:"passwordCredential"`
	}{pc{displayName, end.UTC()}}
	var out PasswordCredential
	_, err := g.do(ctx, call{method: http.MethodPost, path: idPath("applications", objectID) + "/addPassword", body: body, out: &out,
		want: http.StatusOK, kind: httpx.Create, replicated: objectID, isReplErr: isAppNotReplicated})
	if ge, ok := AsGraphError(err); ok && ge.Code == "CredentialInvalidLifetimeAsPerAppPolicy" {
		return nil, g.lifetimeRefused(ctx, objectID, ge, end, err)
	}
	if err != nil {
		return nil, err
	}
	if out.SecretText == "" || out.KeyID == "" {
		return nil, hint.New("graph: POST /applications/{id}/addPassword: the answer has no keyId or secretText", notGraph)
	}
	return &out, nil
}

// lifetimeRefused builds the error of a secret lifetime a policy refused. The
// maximum comes from the policies when they can be read, else from Graph's
// message when it names one.
func (g *Graph) lifetimeRefused(ctx context.Context, objectID string, ge *GraphError, end time.Time, err error) error {
	le := &SecretLifetimeError{Err: err}
	if !end.IsZero() {
		le.Requested = time.Until(end).Round(time.Hour)
	}
	if c, perr := g.SecretLifetimeCap(ctx, objectID); perr == nil && c.Max > 0 {
		le.Allowed, le.Source = c.Max, c.Source
	} else if d := parseAllowedLifetime(ge.Message); d > 0 {
		le.Allowed, le.Source = d, LifetimeFromMessage
	}
	return hint.Wrap(le, le.Hint())
}

// RemovePassword deletes a client secret by key id.
func (g *Graph) RemovePassword(ctx context.Context, objectID, keyID string) error {
	if objectID == "" || keyID == "" {
		return errors.New("graph: remove password: empty object id or key id")
	}
	_, err := g.do(ctx, call{method: http.MethodPost, path: idPath("applications", objectID) + "/removePassword",
		body: map[string]string{"keyId": keyID}, want: http.StatusNoContent, replicated: objectID, isReplErr: isAppNotReplicated, goneIsDone: true})
	return err
}
