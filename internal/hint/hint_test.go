package hint

import (
	"errors"
	"fmt"
	"testing"
)

func TestOfFindsTheOutermostHint(t *testing.T) {
	inner := Wrap(errors.New("graph: GET /applications: 503"), Retry("Graph is having trouble"))
	outer := fmt.Errorf("Register the app: %w", inner)
	h, ok := Of(outer)
	if !ok || !h.Retry || h.Text != "Graph is having trouble" {
		t.Fatalf("Of = %+v, %v", h, ok)
	}
	if outer.Error() != "Register the app: graph: GET /applications: 503" {
		t.Fatalf("the hint must stay out of the error text: %q", outer.Error())
	}
	rehinted := Wrap(outer, Change(AppID, "choose one app"))
	if h, _ := Of(rehinted); h.Input != AppID {
		t.Fatalf("an outer hint says more: %+v", h)
	}
	if _, ok := Of(errors.New("plain")); ok {
		t.Fatal("a plain error has no hint")
	}
	if Wrap(nil, Retry("x")) != nil {
		t.Fatal("Wrap(nil) must stay nil")
	}
	empty := Wrap(inner, Hint{})
	if h, _ := Of(empty); !h.Retry {
		t.Fatalf("an empty outer hint lets the inner one through: %+v", h)
	}
}
