package steps

import (
	"context"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
)

// replicationWindow bounds how long Graph may take to replicate a new app
// (seconds, sometimes minutes): an app younger than this may still answer 404
// on some servers, so calls addressing it wait that out.
const replicationWindow = 10 * time.Minute

// markYoung makes Graph calls that address a found app wait out replication
// when the app is young: an earlier run may have created it moments ago and
// lost the answer.
func markYoung(s *State, app *azure.Application) {
	if app != nil && !app.CreatedDateTime.IsZero() && s.Opts.Now().Sub(app.CreatedDateTime) < replicationWindow {
		s.graph().ExpectReplication(app.ID, app.AppID)
	}
}

// lookupApp reads the app with client ID appID. Not found is (nil, false, nil)
// — unless this program created it minutes ago (the resume file says so): then
// it is either replicating or deleted, and the deleted items tell which before
// any waiting. askDeleted also asks the deleted items for an older app, so a
// lifecycle command can tell "deleted" from "in another tenant".
func lookupApp(ctx context.Context, s *State, in Info, appID string, askDeleted bool) (app *azure.Application, deleted bool, err error) {
	app, err = s.graph().GetApplicationByAppID(ctx, appID)
	switch {
	case err == nil:
		markYoung(s, app)
		return app, false, nil
	case !azure.IsNotFound(err):
		return nil, false, err
	}
	fresh := s.Journal.CreatedRecently(appID, s.Opts.Now(), replicationWindow)
	if !fresh && !askDeleted {
		return nil, false, nil
	}
	gone, err := s.graph().GetDeletedApplicationByAppID(ctx, appID)
	if err != nil {
		return nil, false, err
	}
	if gone != nil || !fresh {
		return nil, gone != nil, nil
	}
	s.progress(in, "the app was created moments ago: waiting for Entra ID to replicate it")
	s.graph().ExpectReplication(appID)
	app, err = s.graph().GetApplicationByAppID(ctx, appID)
	if azure.IsNotFound(err) {
		return nil, false, nil
	}
	return app, false, err
}

// refused reports a Graph answer that says the call was not made (a 4xx);
// anything else — no answer, a cut connection, a 5xx — may have been made,
// and is reconciled by reading back before anything is repeated.
func refused(err error) bool {
	ge, ok := azure.AsGraphError(err)
	return ok && ge.StatusCode >= 400 && ge.StatusCode < 500
}
