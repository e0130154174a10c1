package appmixertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
)

// maxPayload is hapi's default route payload limit (hapi API reference,
// route.options.payload.maxBytes = 1048576); beyond it hapi answers 413.
const maxPayload = 1 << 20

// writeJSON answers with a JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "An internal server error occurred")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError answers with a Boom error object, the shape every hapi server
// (Appmixer's API engine) uses: {"statusCode","error","message"}.
func writeError(w http.ResponseWriter, status int, message string) {
	if message == "" {
		message = http.StatusText(status)
	}
	writeJSON(w, status, map[string]any{"statusCode": status, "error": http.StatusText(status), "message": message})
}

// readObject parses a JSON object payload strictly: hapi rejects a body that
// is not valid JSON with 400 "Invalid request payload JSON format", a media
// type it does not parse with 415, and a body over maxBytes with 413.
func readObject(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, "Unsupported Media Type")
			return nil, false
		}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "Payload content length greater than maximum allowed: 1048576")
		} else {
			writeError(w, http.StatusBadRequest, "Invalid request payload")
		}
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // store numbers exactly as given
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		writeError(w, http.StatusBadRequest, "Invalid request payload JSON format")
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		writeError(w, http.StatusBadRequest, "Invalid request payload JSON format")
		return nil, false
	}
	obj, ok := v.(map[string]any)
	if !ok {
		writeError(w, http.StatusBadRequest, `"value" must be of type object`)
		return nil, false
	}
	return obj, true
}
