package azure

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// GetDeletedApplicationByAppID finds an app in the directory's deleted items
// (Graph soft-deletes applications and keeps them restorable for 30 days:
// learn.microsoft.com/graph/api/directory-deleteditems-list); nil when it is
// not there.
func (g *Graph) GetDeletedApplicationByAppID(ctx context.Context, appID string) (*Application, error) {
	if appID == "" {
		return nil, errors.New("graph: find deleted application: empty app id")
	}
	apps, err := list[Application](ctx, g, "/directory/deletedItems/microsoft.graph.application?"+filterQuery("appId eq "+odataString(appID)))
	if err != nil || len(apps) == 0 {
		return nil, err
	}
	return &apps[0], nil
}

// IsUniqueNameTaken reports the upsert's answer when another application,
// live or in the deleted items, holds the uniqueName: a 400 in Graph's
// conflict shape ("Another object with the same value for property uniqueName
// already exists.", as Graph says of identifierUris).
func IsUniqueNameTaken(err error) bool {
	ge, ok := AsGraphError(err)
	return ok && ge.StatusCode == http.StatusBadRequest && strings.Contains(ge.Message, "uniqueName") &&
		strings.Contains(strings.ToLower(ge.Message), "already exists")
}

// IsCredentialGone reports a removePassword for a key the app no longer has:
// a 404, or the 400 "No password credential found with keyId …" — after a
// retry whose first try removed it, that means done.
func IsCredentialGone(err error) bool {
	ge, ok := AsGraphError(err)
	return ok && (ge.StatusCode == http.StatusNotFound ||
		ge.StatusCode == http.StatusBadRequest && strings.Contains(strings.ToLower(ge.Message), "no password credential found"))
}
