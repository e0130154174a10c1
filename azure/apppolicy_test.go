package azure_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/azure"
	"github.com/appmixer-tools/msconnector-wizard/internal/hint"
)

const day = 24 * time.Hour

// policyGraph answers the three reads behind SecretLifetimeCap; "" answers 403.
type policyGraph struct {
	own, def, created string
}

func (p policyGraph) serve(t *testing.T) *stubGraph {
	return newStubGraph(t, func(w http.ResponseWriter, r *http.Request, n int) {
		body := ""
		switch r.URL.Path {
		case "/v1.0/applications/obj1/appManagementPolicies":
			body = `{"value":[` + p.own + `]}`
		case "/v1.0/policies/defaultAppManagementPolicy":
			body = p.def
		case "/v1.0/applications/obj1":
			body = `{"id":"obj1","createdDateTime":"` + p.created + `"}`
		case "/v1.0/applications/obj1/addPassword":
			graphErr(w, 400, "CredentialInvalidLifetimeAsPerAppPolicy", "Credential lifetime exceeds the max value allowed as per assigned policy.")
			return
		}
		if p.def == "" && strings.Contains(r.URL.Path, "policies/default") || p.own == "403" && strings.HasSuffix(r.URL.Path, "appManagementPolicies") {
			graphErr(w, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	})
}

func tenantDefault(enabled bool, restrictions string) string {
	e := "false"
	if enabled {
		e = "true"
	}
	return `{"id":"00000000-0000-0000-0000-000000000000","displayName":"Default app management tenant policy","isEnabled":` + e +
		`,"applicationRestrictions":{"passwordCredentials":[` + restrictions + `],"keyCredentials":[]}}`
}

func appPolicy(enabled bool, restrictions string) string {
	e := "false"
	if enabled {
		e = "true"
	}
	return `{"id":"p1","displayName":"Contoso app policy","isEnabled":` + e + `,"restrictions":{"passwordCredentials":[` + restrictions + `]}}`
}

func lifetime(max, after, state string) string {
	s := `{"restrictionType":"passwordLifetime","maxLifetime":"` + max + `","state":"` + state + `","restrictForAppsCreatedAfterDateTime":`
	if after == "" {
		return s + `null}`
	}
	return s + `"` + after + `"}`
}

func TestSecretLifetimeCapFromPolicies(t *testing.T) {
	const old, recent = "2019-01-01T00:00:00Z", "2025-01-01T00:00:00Z"
	p90 := lifetime("P90D", old, "enabled")
	for _, c := range []struct {
		name    string
		p       policyGraph
		max     time.Duration
		src     azure.LifetimeSource
		blocked bool
	}{
		{"tenant default", policyGraph{def: tenantDefault(true, p90)}, 90 * day, azure.LifetimeFromTenantDefault, false},
		{"the app's policy wins", policyGraph{own: appPolicy(true, lifetime("P180D", old, "enabled")), def: tenantDefault(true, p90)}, 180 * day, azure.LifetimeFromAppPolicy, false},
		{"an app policy without a lifetime caps nothing", policyGraph{own: appPolicy(true, ""), def: tenantDefault(true, p90)}, 0, "", false},
		{"a disabled app policy leaves the default", policyGraph{own: appPolicy(false, lifetime("P180D", old, "enabled")), def: tenantDefault(true, p90)}, 90 * day, azure.LifetimeFromTenantDefault, false},
		{"the default is disabled", policyGraph{def: tenantDefault(false, p90)}, 0, "", false},
		{"a disabled restriction", policyGraph{def: tenantDefault(true, lifetime("P90D", old, "disabled"))}, 0, "", false},
		{"no enforcement date: every app", policyGraph{def: tenantDefault(true, lifetime("P30D", "", "enabled"))}, 30 * day, azure.LifetimeFromTenantDefault, false},
		{"an app older than the enforcement date", policyGraph{def: tenantDefault(true, lifetime("P90D", recent, "enabled")), created: "2024-06-01T00:00:00Z"}, 0, "", false},
		{"an app created after it", policyGraph{def: tenantDefault(true, lifetime("P90D", recent, "enabled")), created: "2025-06-01T00:00:00Z"}, 90 * day, azure.LifetimeFromTenantDefault, false},
		{"hours and days", policyGraph{def: tenantDefault(true, lifetime("P1DT12H", old, "enabled"))}, 36 * time.Hour, azure.LifetimeFromTenantDefault, false},
		{"secrets blocked", policyGraph{def: tenantDefault(true, `{"restrictionType":"passwordAddition","state":"enabled","restrictForAppsCreatedAfterDateTime":null}`)}, 0, azure.LifetimeFromTenantDefault, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			sg := c.p.serve(t)
			got, err := sg.graph(azure.GraphOptions{}).SecretLifetimeCap(ctxT(t), "obj1")
			if err != nil || got.Max != c.max || got.Source != c.src || got.Blocked != c.blocked {
				t.Fatalf("got %+v, %v; want max %s from %q, blocked %v", got, err, c.max, c.src, c.blocked)
			}
			if c.src == azure.LifetimeFromAppPolicy && sg.calls("GET /v1.0/policies/defaultAppManagementPolicy") != 0 {
				t.Fatal("an app's own policy replaces the default: no need to read it")
			}
		})
	}
}

// Reading policies takes Policy.Read.All: a 403 is told apart so the caller
// can find the cap another way.
func TestSecretLifetimeCapUnreadable(t *testing.T) {
	for name, p := range map[string]policyGraph{
		"app policies refused":    {own: "403", def: tenantDefault(true, lifetime("P90D", "", "enabled"))},
		"default refused":         {def: ""},
		"a lifetime not ISO 8601": {def: tenantDefault(true, lifetime("90 days", "", "enabled"))},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := p.serve(t).graph(azure.GraphOptions{}).SecretLifetimeCap(ctxT(t), "obj1")
			if !errors.Is(err, azure.ErrPolicyUnreadable) {
				t.Fatalf("got %v", err)
			}
		})
	}
	_, err := policyGraph{def: ""}.serve(t).graph(azure.GraphOptions{}).SecretLifetimeCap(ctxT(t), "obj1")
	if h, _ := hint.Of(err); !strings.Contains(h.Text, "Policy.Read.All") || !isStatus(err, 403) {
		t.Fatalf("a 403 keeps the Graph error and says what is missing: %v (%+v)", err, h)
	}
}

// Graph's refusal need not name the maximum: the policy says it.
func TestSecretLifetimeErrorTakesTheCapFromThePolicy(t *testing.T) {
	sg := policyGraph{def: tenantDefault(true, lifetime("P90D", "", "enabled"))}.serve(t)
	_, err := sg.graph(azure.GraphOptions{}).AddPassword(ctxT(t), "obj1", "wizard", time.Now().AddDate(2, 0, 0))
	var le *azure.SecretLifetimeError
	if !errors.As(err, &le) || le.Allowed != 90*day || le.Source != azure.LifetimeFromTenantDefault {
		t.Fatalf("got %v (%+v)", err, le)
	}
	if h, _ := hint.Of(err); h.Input != hint.SecretExpiry || h.Value != "3m" {
		t.Fatalf("hint %+v", h)
	}
	if n := sg.calls("POST /v1.0/applications/obj1/addPassword"); n != 1 {
		t.Fatalf("addPassword sent %d times", n)
	}
}
