package fleet

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

var testEnv = map[string]string{"ACME_PW": "pw-acme-123", "GLOBEX_TOKEN": "tok-globex-456"}

func getenv(k string) string { return testEnv[k] }

const goodInventory = `defaults:                      # any instance key; instances override
  audience: multi-tenant-and-personal
  permissions: documented
  tenant: contoso.onmicrosoft.com
instances:
  - name: acme
    appmixerUrl: https://api.acme.appmixer.cloud
    username: admin@acme.com
    passwordEnv: ACME_PW
    tenant: acme.onmicrosoft.com
    appName: Appmixer
    tenantField: on
    adminConsent: false
  - name: globex
    appmixerUrl: https://api.globex.appmixer.cloud
    tokenEnv: GLOBEX_TOKEN
    audience: single-tenant
    adminConsent: true
`

func TestParseAppliesDefaults(t *testing.T) {
	inv, err := Parse("inv.yaml", []byte(goodInventory), LoadOptions{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Instances) != 2 {
		t.Fatalf("want 2 instances, got %+v", inv.Instances)
	}
	acme, globex := inv.Instances[0], inv.Instances[1]
	want := Instance{Name: "acme", Line: 6, AppmixerURL: "https://api.acme.appmixer.cloud", Username: "admin@acme.com",
		PasswordEnv: "ACME_PW", Tenant: "acme.onmicrosoft.com", AppName: "Appmixer", Audience: "multi-tenant-and-personal",
		Permissions: "documented", TenantField: steps.TenantFieldOn}
	if acme != want {
		t.Errorf("acme:\n got %+v\nwant %+v", acme, want)
	}
	if globex.Tenant != "contoso.onmicrosoft.com" || globex.Audience != "single-tenant" || !globex.AdminConsent ||
		globex.TokenEnv != "GLOBEX_TOKEN" || globex.Line != 14 {
		t.Errorf("globex did not take the defaults or its overrides: %+v", globex)
	}
}

// Each mistake is refused with its line; several mistakes are all reported.
func TestParseRefusesWithLineNumbers(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string // one per problem, in order
	}{
		{"unknown key", `instances:
  - name: acme
    appmixerUrl: https://api.acme.appmixer.cloud
    username: a@acme.com
    passwordEnv: ACME_PW
    tenant: t1
    pasword: x
`, []string{`inv.yaml:7:5: instance 1: unknown key "pasword"`}},
		{"duplicate names", `instances:
  - {name: acme, appmixerUrl: "https://api.acme.appmixer.cloud", username: a, passwordEnv: ACME_PW, tenant: t1}
  - name: Acme
    appmixerUrl: https://api.acme2.appmixer.cloud
    username: a
    passwordEnv: ACME_PW
    tenant: t1
`, []string{`inv.yaml:3:5: instance name "Acme" is used twice (first at line 2)`}},
		{"missing required keys", `instances:
  - name: acme
    username: a@acme.com
    passwordEnv: ACME_PW
`, []string{`inv.yaml:2:5: instance "acme": appmixerUrl is missing`, `inv.yaml:2:5: instance "acme": tenant is missing`}},
		{"password in the file", `defaults:
  tenant: t1
instances:
  - name: acme
    appmixerUrl: https://api.acme.appmixer.cloud
    username: a@acme.com
    password: hunter2hunter2
`, []string{`inv.yaml:7:5: instance 1: "password" would put a credential in the file`, `inv.yaml:4:5: instance "acme": passwordEnv (or tokenEnv) is missing`}},
		{"a value where a variable's name goes", `instances:
  - name: acme
    appmixerUrl: https://api.acme.appmixer.cloud
    username: a@acme.com
    passwordEnv: hunter2!secret
    tenant: t1
`, []string{`inv.yaml:5:5: instance "acme": passwordEnv must name an environment variable in upper case`}},
		{"variable not set", `instances:
  - name: acme
    appmixerUrl: https://api.acme.appmixer.cloud
    username: a@acme.com
    tenant: t1
    passwordEnv: NOT_SET_ANYWHERE
`, []string{`inv.yaml:6:5: instance "acme": the environment variable NOT_SET_ANYWHERE (passwordEnv) is not set`}},
		{"bad values", `instances:
  - name: acme
    appmixerUrl: https://my.acme.appmixer.cloud
    tokenEnv: GLOBEX_TOKEN
    tenant: t1
    audience: everyone
    tenantField: maybe
`, []string{`inv.yaml:3:5: instance "acme": appmixerUrl:`, `inv.yaml:6:5: instance "acme": audience "everyone"`, `inv.yaml:7:5: instance "acme": tenantField "maybe": use on or off`}},
		{"YAML syntax", "instances:\n  - name: a\n    name: b\n", []string{`inv.yaml:3:5: not valid YAML: mapping key "name" already defined`}},
		{"no instances", "defaults:\n  tenant: t1\n", []string{`inv.yaml: no instances`}},
		{"top-level typo", "instance:\n  - name: a\n", []string{`inv.yaml:1:1: unknown key "instance"`, `inv.yaml: no instances`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("inv.yaml", []byte(c.yaml), LoadOptions{Getenv: getenv})
			var ie *Error
			if !errors.As(err, &ie) {
				t.Fatalf("want an inventory error, got %v", err)
			}
			if len(ie.Problems) != len(c.want) {
				t.Fatalf("want %d problem(s), got:\n%v", len(c.want), err)
			}
			for i, w := range c.want {
				if got := ie.Problems[i].String(); !strings.HasPrefix(got, w) {
					t.Errorf("problem %d:\n got %s\nwant %s…", i+1, got, w)
				}
				if strings.Contains(ie.Problems[i].String(), "\n") {
					t.Errorf("problem %d is more than one line", i+1)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("a password written into the file was repeated: %v", err)
			}
		})
	}
}

// --demo brings its own credentials: unset variables are not refused there.
func TestParseSkipEnv(t *testing.T) {
	src := strings.ReplaceAll(goodInventory, "ACME_PW", "UNSET_VAR")
	if _, err := Parse("inv.yaml", []byte(src), LoadOptions{Getenv: getenv}); err == nil {
		t.Fatal("an unset variable was accepted")
	}
	if _, err := Parse("inv.yaml", []byte(src), LoadOptions{Getenv: getenv, SkipEnv: true}); err != nil {
		t.Fatalf("with SkipEnv: %v", err)
	}
}

func TestOnly(t *testing.T) {
	inv, err := Parse("inv.yaml", []byte(goodInventory), LoadOptions{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if err := inv.Only([]string{"initech"}); err == nil || !strings.Contains(err.Error(), "initech") {
		t.Fatalf("an unknown name was accepted: %v", err)
	}
	if err := inv.Only([]string{"GLOBEX"}); err != nil || len(inv.Instances) != 1 || inv.Instances[0].Name != "globex" {
		t.Fatalf("only globex: %v %+v", err, inv.Instances)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), "cannot read the inventory") || strings.Count(err.Error(), "\n") > 0 {
		t.Fatalf("want one line about the file, got %v", err)
	}
	p := filepath.Join(t.TempDir(), "inv.yaml")
	if err := os.WriteFile(p, []byte(goodInventory), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, LoadOptions{Getenv: getenv}); err != nil {
		t.Fatal(err)
	}
}
