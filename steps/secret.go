package steps

import "github.com/appmixer-tools/msconnector-wizard/appmixer"

// Secret holds a credential in memory. Every way of printing or encoding it
// yields a masked hint, so a stray %v, log line or json.Marshal cannot leak it.
type Secret struct{ v string }

// NewSecret wraps a credential value.
func NewSecret(v string) Secret { return Secret{v: v} }

// Reveal returns the value; call it only where the value is sent to an API.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether no value is held.
func (s Secret) IsZero() bool { return s.v == "" }

// Hint is the first three characters followed by an ellipsis, as the Azure portal shows.
func (s Secret) Hint() string { return appmixer.MaskSecret(s.v) }

func (s Secret) String() string               { return s.Hint() }
func (s Secret) GoString() string             { return "steps.Secret(" + s.Hint() + ")" }
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.Hint()), nil }
