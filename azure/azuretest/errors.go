package azuretest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Graph: learn.microsoft.com/graph/errors — {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}
// and a request-id header on every response.
func writeGraphError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	writeGraphErrorDetails(w, r, status, code, message, nil)
}

func writeGraphErrorDetails(w http.ResponseWriter, r *http.Request, status int, code, message string, details []map[string]any) {
	reqID := setRequestIDs(w, r)
	e := map[string]any{
		"code":    code,
		"message": message,
		"innerError": map[string]any{
			"date":              time.Now().UTC().Format("2006-01-02T15:04:05"),
			"request-id":        reqID,
			"client-request-id": w.Header().Get("client-request-id"),
		},
	}
	if len(details) > 0 {
		e["details"] = details
	}
	body := map[string]any{"error": e}
	if status == http.StatusUnauthorized {
		// Graph: a 401 carries a Bearer challenge naming the token authority.
		w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`)
	}
	writeJSON(w, status, body)
}

func setRequestIDs(w http.ResponseWriter, r *http.Request) string {
	if id := w.Header().Get("request-id"); id != "" {
		return id
	}
	reqID := newGUID()
	w.Header().Set("request-id", reqID)
	crid := r.Header.Get("client-request-id")
	if crid == "" {
		crid = reqID
	}
	w.Header().Set("client-request-id", crid)
	return reqID
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "azuretest: encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Entra: learn.microsoft.com/entra/identity-platform/reference-error-codes —
// {"error","error_description":"AADSTSnnn: …","error_codes":[nnn],"timestamp","trace_id","correlation_id","error_uri"}.
func writeEntraError(w http.ResponseWriter, status int, errCode string, aadsts int, msg string) {
	trace, corr := newGUID(), newGUID()
	ts := time.Now().UTC().Format("2006-01-02 15:04:05Z")
	desc := fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s", aadsts, msg, trace, corr, ts)
	w.Header().Set("Cache-Control", "no-store, no-cache")
	writeJSON(w, status, map[string]any{
		"error":             errCode,
		"error_description": desc,
		"error_codes":       []int{aadsts},
		"timestamp":         ts,
		"trace_id":          trace,
		"correlation_id":    corr,
		"error_uri":         fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", aadsts),
	})
}

func newGUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
