package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
)

// The trace is process-wide like azcore's log: one writer at a time.
var current atomic.Pointer[tracer]

type tracer struct {
	mu sync.Mutex
	w  io.Writer
}

// eventAuthentication is azidentity's log event (azidentity.EventAuthentication),
// named here so this package need not import azidentity.
const eventAuthentication azlog.Event = "Authentication"

func init() {
	// azcore's SetListener and SetEvents are not safe to call while clients
	// run, so the listener is installed once, before any can, and forwards to
	// whichever trace is current. Request and Response events stay off: they
	// are multi-line dumps, and transport writes one line per exchange instead.
	azlog.SetListener(listen)
	azlog.SetEvents(azlog.EventRetryPolicy, eventAuthentication)
}

// StartTrace writes a redacted line for every HTTP exchange with Entra ID,
// Graph and Appmixer (method, URL, status, duration, request IDs), azcore's
// retry decisions, azidentity's sign-in events and every wait of Poll, to w
// until stop is called. Bodies and headers other than request IDs are never
// written. A later StartTrace replaces an earlier one.
func StartTrace(w io.Writer) (stop func()) {
	t := &tracer{w: w}
	current.Store(t)
	return func() { current.CompareAndSwap(t, nil) }
}

// Tracef adds a line to the trace, if one is being written; who says where it
// comes from ("wait", "Graph"). The line is redacted like every other.
func Tracef(who, format string, args ...any) {
	t := current.Load()
	if t == nil {
		return
	}
	t.line(who, fmt.Sprintf(format, args...))
}

func (t *tracer) line(who, msg string) {
	msg = RedactText(oneLine(msg))
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, "%s [%s] %s\n", time.Now().Format("15:04:05.000"), who, msg)
}

// listen takes azcore's and azidentity's log events.
func listen(ev azlog.Event, msg string) {
	t := current.Load()
	if t == nil {
		return
	}
	switch ev {
	case azlog.EventRetryPolicy:
		if m, ok := retryDecision(msg); ok {
			t.line("retry", m)
		}
	case eventAuthentication:
		t.line("azidentity", msg)
	}
}

// retryDecision keeps the retry policy's decisions and drops what the
// transport's line already says (each try, its status or error).
func retryDecision(msg string) (string, bool) {
	var try int
	var delay string
	switch {
	case strings.HasPrefix(msg, "=====> Try="), strings.HasPrefix(msg, "response "), strings.HasPrefix(msg, "error "),
		strings.HasPrefix(msg, "exit due to"): // an answer kept as it is: its line says which
		return "", false
	case strings.HasPrefix(msg, "End Try #"):
		if _, err := fmt.Sscanf(msg, "End Try #%d, Delay=%s", &try, &delay); err == nil {
			return fmt.Sprintf("try %d failed: next try in %s", try, delay), true
		}
	case strings.HasPrefix(msg, "MaxRetries"):
		return "giving up: " + msg, true
	}
	return msg, true
}

// requestIDHeaders are the ids Microsoft support asks for; Appmixer sends none.
var requestIDHeaders = []string{"request-id", "client-request-id", "x-ms-request-id"}

// traceExchange writes the line of one HTTP exchange.
func traceExchange(who string, req *http.Request, resp *http.Response, err error, took time.Duration) {
	t := current.Load()
	if t == nil {
		return
	}
	var b strings.Builder
	b.WriteString(req.Method + " " + traceURL(req.URL) + " → ")
	if err != nil {
		b.WriteString("error: " + withoutURL(err))
	} else {
		b.WriteString(resp.Status)
	}
	fmt.Fprintf(&b, " (%dms)", took.Milliseconds()) // always in ms: easy to scan and to sort
	if resp != nil {
		for _, h := range requestIDHeaders {
			if v := resp.Header.Get(h); v != "" {
				b.WriteString(" " + h + "=" + v)
			}
		}
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			b.WriteString(" retry-after=" + ra)
		}
	}
	t.line(who, b.String())
}

// withoutURL is an error's text without the URL net/http puts in it (the
// trace line names the URL already, redacted).
func withoutURL(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
