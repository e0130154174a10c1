package appmixertest

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Service config endpoints follow docs.appmixer.com, API → "Service
// Configuration": admin scope only; GET /service-config/:serviceId answers the
// stored object (with serviceId); POST /service-config needs serviceId and
// stores the other keys as given; PUT overwrites the whole stored object with
// the payload; DELETE removes it.

func configID(r *http.Request) string { return strings.TrimPrefix(r.URL.Path, "/service-config/") }

// ServiceConfig returns a deep copy of a stored config (without serviceId).
func (s *Server) ServiceConfig(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.configs[id]
	if !ok {
		return nil, false
	}
	return deepCopy(c), true
}

// SetServiceConfig stores cfg under id as if an admin had saved it (seeding).
func (s *Server) SetServiceConfig(id string, cfg map[string]any) {
	c := deepCopy(cfg)
	delete(c, "serviceId")
	s.mu.Lock()
	s.configs[id] = c
	s.mu.Unlock()
}

// deepCopy copies a JSON-shaped map; json.Number values become float64.
func deepCopy(m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	out := map[string]any{}
	if err == nil {
		_ = json.Unmarshal(b, &out)
	}
	return out
}

func withID(id string, c map[string]any) map[string]any {
	out := maps.Clone(c)
	out["serviceId"] = id
	return out
}

func (s *Server) handleListConfigs(w http.ResponseWriter, r *http.Request) {
	if s.requireAdmin(w, r) == nil {
		return
	}
	s.mu.Lock()
	list := make([]map[string]any, 0, len(s.configs))
	for _, id := range slices.Sorted(maps.Keys(s.configs)) {
		list = append(list, withID(id, s.configs[id]))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) handleGetConfig(w http.ResponseWriter, r *http.Request) {
	if s.requireAdmin(w, r) == nil {
		return
	}
	id := configID(r)
	s.mu.Lock()
	c, ok := s.configs[id]
	var out map[string]any
	if ok {
		out = withID(id, c)
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "Service configuration not found.")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// handleCreateConfig: serviceId is "the only required parameter" (docs). A
// second POST for an existing id is refused with 409 Conflict; the docs do not
// say what the real server does, so the emulator takes the strict reading.
func (s *Server) handleCreateConfig(w http.ResponseWriter, r *http.Request) {
	body, ok := s.authorizedPayload(w, r)
	if !ok {
		return
	}
	id, isString := body["serviceId"].(string)
	if _, present := body["serviceId"]; !present {
		writeError(w, http.StatusBadRequest, `"serviceId" is required`)
		return
	}
	if !isString || id == "" {
		writeError(w, http.StatusBadRequest, `"serviceId" must be a non-empty string`)
		return
	}
	delete(body, "serviceId")
	s.mu.Lock()
	if _, exists := s.configs[id]; exists {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, "Service configuration already exists.")
		return
	}
	s.configs[id] = body
	out := withID(id, body)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// handlePutConfig: "the payload content will overwrite the configuration
// stored under the service" (docs). Absent id → 404.
func (s *Server) handlePutConfig(w http.ResponseWriter, r *http.Request) {
	body, ok := s.authorizedPayload(w, r)
	if !ok {
		return
	}
	id := configID(r)
	if v, present := body["serviceId"]; present && v != id {
		writeError(w, http.StatusBadRequest, `"serviceId" in the payload does not match the URL`)
		return
	}
	delete(body, "serviceId")
	s.mu.Lock()
	if _, exists := s.configs[id]; !exists {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "Service configuration not found.")
		return
	}
	s.configs[id] = body
	out := withID(id, body)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleDeleteConfig(w http.ResponseWriter, r *http.Request) {
	if s.requireAdmin(w, r) == nil {
		return
	}
	id := configID(r)
	s.mu.Lock()
	_, exists := s.configs[id]
	delete(s.configs, id)
	s.mu.Unlock()
	if !exists {
		writeError(w, http.StatusNotFound, "Service configuration not found.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}
