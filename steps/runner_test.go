package steps

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeStep is a Step whose Check runs check.
type fakeStep struct {
	id    ID
	check func(ctx context.Context) error
}

func (f fakeStep) Info() Info                                            { return Info{ID: f.id, Title: string(f.id)} }
func (f fakeStep) Check(ctx context.Context, _ *State) error             { return f.check(ctx) }
func (f fakeStep) Plan(*State) Plan                                      { return Plan{} }
func (f fakeStep) Apply(context.Context, *State, Plan) ([]Change, error) { return nil, nil }

// One sign-in failing stops the other (a device-code wait would otherwise
// keep the person waiting for nothing); only the first is a failure.
func TestFailingCheckStopsItsSiblings(t *testing.T) {
	wrong := errors.New("wrong password")
	waiting := fakeStep{id: "azure", check: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }}
	failing := fakeStep{id: "appmixer", check: func(context.Context) error { return wrong }}
	var mu sync.Mutex
	kinds := map[ID]EventKind{}
	rn := &Runner{Stages: []Stage{{waiting, failing}}, Observe: func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		if e.Kind != EventChecking {
			kinds[e.Step.ID] = e.Kind
		}
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := rn.Run(ctx, NewState(Options{}))
	if !errors.Is(err, wrong) {
		t.Fatalf("want the failing check's error, got %v", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the waiting sibling was not stopped")
	}
	mu.Lock()
	defer mu.Unlock()
	if kinds["appmixer"] != EventFailed || kinds["azure"] != EventSkipped {
		t.Fatalf("events: %v", kinds)
	}
}

// A sibling that had finished before the other failed is reported done, not
// left looking in progress (the TUI showed "● Sign in to Appmixer" for good).
func TestFinishedSiblingOfAFailedCheckIsDone(t *testing.T) {
	wrong := errors.New("device code expired")
	passedFirst := make(chan struct{})
	quick := fakeStep{id: "appmixer", check: func(context.Context) error { close(passedFirst); return nil }}
	failing := fakeStep{id: "azure", check: func(context.Context) error { <-passedFirst; return wrong }}
	var mu sync.Mutex
	kinds := map[ID]EventKind{}
	rn := &Runner{Stages: []Stage{{quick, failing}}, Observe: func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		kinds[e.Step.ID] = e.Kind
	}}
	if _, err := rn.Run(context.Background(), NewState(Options{})); !errors.Is(err, wrong) {
		t.Fatalf("want the failing check's error, got %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if kinds["appmixer"] != EventDone || kinds["azure"] != EventFailed {
		t.Fatalf("last events: %v", kinds)
	}
}
