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
