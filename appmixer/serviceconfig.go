package appmixer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

// Service config endpoints (docs.appmixer.com, API → "Service Configuration";
// admin scope only): GET/PUT/DELETE /service-config/:serviceId, POST /service-config.

func configPath(serviceID string) string { return "/service-config/" + url.PathEscape(serviceID) }

// GetServiceConfig reads a service config. Absent (404) is (nil, false, nil).
// Non-string values are returned as their JSON text ("true", "42").
func (c *Client) GetServiceConfig(ctx context.Context, serviceID string) (Config, bool, error) {
	r := request{method: http.MethodGet, path: configPath(serviceID)}
	res, err := c.do(ctx, r)
	if err != nil {
		return nil, false, err
	}
	switch res.status {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, false, nil
	default:
		return nil, false, fmt.Errorf("reading the Appmixer config of %s: %w", serviceID, c.apiError(r, res))
	}
	var obj map[string]json.RawMessage
	if err := c.decode(r, res, &obj); err != nil {
		return nil, false, err
	}
	if obj == nil { // the JSON literal null
		return nil, false, hint.Errorf(notTheAPI, "Appmixer at %s answered %s with null instead of an object", c.api, r)
	}
	cfg := make(Config, len(obj))
	raw := map[string]json.RawMessage{}
	for k, v := range obj {
		if k == "serviceId" {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			cfg[k] = s
			continue
		}
		cfg[k] = jsonText(v)
		raw[k] = v
	}
	c.mu.Lock()
	c.raw[serviceID] = raw
	c.mu.Unlock()
	return cfg, true, nil
}

// jsonText renders a non-string JSON value as text: true → "true", null → "".
func jsonText(v json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, v); err != nil {
		return strings.TrimSpace(string(v))
	}
	if buf.String() == "null" {
		return ""
	}
	return buf.String()
}

// body builds the JSON object sent to Appmixer: serviceId plus every key.
// Values are strings, except that a key read earlier as a non-string value and
// left unchanged is sent back with its original JSON type.
func (c *Client) body(serviceID string, cfg Config) ([]byte, []string, error) {
	c.mu.Lock()
	raw := c.raw[serviceID]
	c.mu.Unlock()
	obj := make(map[string]any, len(cfg)+1)
	var secrets []string
	for k, v := range cfg {
		if k == "serviceId" {
			continue // the id comes from the argument, never from the map
		}
		if r, ok := raw[k]; ok && jsonText(r) == v {
			obj[k] = r
		} else {
			obj[k] = v
		}
		if IsSecretKey(k) {
			secrets = append(secrets, v)
		}
	}
	obj["serviceId"] = serviceID
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding the Appmixer config of %s: %w", serviceID, err)
	}
	return b, secrets, nil
}

// CreateServiceConfig creates a config with POST /service-config.
func (c *Client) CreateServiceConfig(ctx context.Context, serviceID string, cfg Config) error {
	b, secrets, err := c.body(serviceID, cfg)
	if err != nil {
		return err
	}
	r := request{method: http.MethodPost, path: "/service-config", body: b, secrets: secrets, creates: true}
	res, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	if res.status < 200 || res.status > 299 {
		return fmt.Errorf("creating the Appmixer config of %s: %w", serviceID, c.apiError(r, res))
	}
	return nil
}

// ReplaceServiceConfig sends the whole object with PUT: Appmixer overwrites
// the stored config with the payload, so cfg must hold every key to keep.
func (c *Client) ReplaceServiceConfig(ctx context.Context, serviceID string, cfg Config) error {
	b, secrets, err := c.body(serviceID, cfg)
	if err != nil {
		return err
	}
	r := request{method: http.MethodPut, path: configPath(serviceID), body: b, secrets: secrets}
	res, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	switch {
	case res.status >= 200 && res.status <= 299:
		return nil
	case res.status == http.StatusNotFound:
		return hint.Errorf(hint.Retry("the next run creates it again"), "updating the Appmixer config of %s: it was deleted meanwhile: %w", serviceID, c.apiError(r, res))
	}
	return fmt.Errorf("updating the Appmixer config of %s: %w", serviceID, c.apiError(r, res))
}

// DeleteServiceConfig removes the whole config; an absent one is not an error.
func (c *Client) DeleteServiceConfig(ctx context.Context, serviceID string) error {
	r := request{method: http.MethodDelete, path: configPath(serviceID)}
	res, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	if (res.status < 200 || res.status > 299) && res.status != http.StatusNotFound {
		return fmt.Errorf("deleting the Appmixer config of %s: %w", serviceID, c.apiError(r, res))
	}
	c.mu.Lock()
	delete(c.raw, serviceID)
	c.mu.Unlock()
	return nil
}

// SaveServiceConfig creates the config (existed=false) or replaces it whole.
func (c *Client) SaveServiceConfig(ctx context.Context, serviceID string, existed bool, cfg Config) error {
	if existed {
		return c.ReplaceServiceConfig(ctx, serviceID, cfg)
	}
	return c.CreateServiceConfig(ctx, serviceID, cfg)
}
