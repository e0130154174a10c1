package httpx

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

var errNotYet = errors.New("404 not replicated")

func TestPollBacksOffAndStopsWhenDone(t *testing.T) {
	var trace bytes.Buffer
	stop := StartTrace(&trace)
	defer stop()
	n := 0
	err := Poll(ctxT(t), "the app to replicate", 10*time.Second, func(context.Context) (bool, error) {
		n++
		if n < 5 {
			return false, errNotYet
		}
		return true, nil
	})
	if err != nil || n != 5 {
		t.Fatalf("err %v after %d tries", err, n)
	}
	// The waits: 100 ms, doubling, never over 250 ms.
	var waits []string
	for _, m := range regexp.MustCompile(`next try in (\S+)`).FindAllStringSubmatch(trace.String(), -1) {
		waits = append(waits, m[1])
	}
	if got := strings.Join(waits, " "); got != "100ms 200ms 250ms 250ms" {
		t.Fatalf("waits %q, want 100ms 200ms 250ms 250ms\n%s", got, trace.String())
	}
}

func TestPollTimesOutWithTheLastError(t *testing.T) {
	err := Poll(ctxT(t), "the app to replicate", 150*time.Millisecond, func(context.Context) (bool, error) { return false, errNotYet })
	var we *WaitError
	if !errors.As(err, &we) || !errors.Is(err, errNotYet) || we.Stopped != nil {
		t.Fatalf("got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "404 not replicated; still waiting for the app to replicate after 150ms") {
		t.Fatalf("message %q", err)
	}
	if h, ok := hint.Of(err); !ok || !h.Retry {
		t.Fatalf("hint %+v", h)
	}
}

func TestPollStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	err := Poll(ctx, "the secret", time.Minute, func(context.Context) (bool, error) {
		cancel()
		return false, errNotYet
	})
	if !errors.Is(err, context.Canceled) || errors.Is(err, errNotYet) {
		t.Fatalf("got %v", err)
	}
}

func TestPollReturnsTheFinalError(t *testing.T) {
	final := errors.New("403")
	if err := Poll(ctxT(t), "x", time.Minute, func(context.Context) (bool, error) { return true, final }); err != final {
		t.Fatalf("got %v", err)
	}
}
