package azuretest

import "time"

// Option configures NewServer.
type Option func(*config)

type config struct {
	tenantID          string
	userUPN           string
	userName          string
	autoApprove       time.Duration // 0 = only ApproveDeviceCode approves
	replicationDelay  time.Duration
	secretPropagation time.Duration
	tokenLifetime     time.Duration
	latency           time.Duration
	hostnames         []string // extra DNS names in the TLS certificate
	clock             func() time.Time
}

func defaultConfig() config {
	return config{
		userUPN:       "admin@contoso.example",
		userName:      "Ada Admin",
		tokenLifetime: time.Hour,
	}
}

// WithTenantID sets the seeded tenant's GUID (default: random).
func WithTenantID(id string) Option { return func(c *config) { c.tenantID = id } }

// WithUser sets the delegated user who approves device codes.
func WithUser(upn, displayName string) Option {
	return func(c *config) { c.userUPN, c.userName = upn, displayName }
}

// WithDeviceCodeAutoApprove approves each device code this long after it was issued.
func WithDeviceCodeAutoApprove(after time.Duration) Option {
	return func(c *config) { c.autoApprove = after }
}

// WithReplicationDelay hides a new application from reads for this long.
func WithReplicationDelay(d time.Duration) Option { return func(c *config) { c.replicationDelay = d } }

// WithSecretPropagationDelay refuses a new client secret (AADSTS7000215) for this long.
func WithSecretPropagationDelay(d time.Duration) Option {
	return func(c *config) { c.secretPropagation = d }
}

// WithTokenLifetime sets the lifetime of issued access tokens (default 1h).
func WithTokenLifetime(d time.Duration) Option { return func(c *config) { c.tokenLifetime = d } }

// WithLatency adds this delay to every response.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithClock sets the tenant's clock: replication, secret propagation and
// expiry, token lifetimes and the 30-day retention of deleted items follow
// it. Tests move it forward instead of sleeping.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }
