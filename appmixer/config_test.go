package appmixer_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/appmixer"
)

func TestMergeKeepsEveryOtherKey(t *testing.T) {
	old := appmixer.Config{"clientId": "old-id", "clientSecret": "old-secret", "callbackUrl": "https://cb", "redirectUri": "r", "custom": "x", "microsoftTenant": "true"}
	snapshot := appmixer.Config{}
	for k, v := range old {
		snapshot[k] = v
	}
	got := appmixer.Merge(old, map[string]string{"clientId": "new-id", "clientSecret": "new-secret"}, "microsoftTenant")
	want := appmixer.Config{"clientId": "new-id", "clientSecret": "new-secret", "callbackUrl": "https://cb", "redirectUri": "r", "custom": "x"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Merge = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(old, snapshot) {
		t.Fatalf("Merge modified its input: %v", old)
	}
	if got := appmixer.Merge(nil, map[string]string{"a": "1"}); !reflect.DeepEqual(got, appmixer.Config{"a": "1"}) {
		t.Fatalf("Merge(nil) = %v", got)
	}
}

func TestDiffMasksSecrets(t *testing.T) {
	old := appmixer.Config{"clientId": "id-1", "clientSecret": "abcdefgh", "keep": "same", "gone": "bye", "apiToken": "tok-123456"}
	new := appmixer.Config{"clientId": "id-2", "clientSecret": "xyz98765", "keep": "same", "microsoftTenant": "true", "apiToken": "tok-123456", "adminPassword": "p4ssw0rd!"}
	got := appmixer.Diff(old, new)
	want := []appmixer.Change{
		{Key: "adminPassword", Kind: appmixer.KindAdd, After: "p4s…"},
		{Key: "clientId", Kind: appmixer.KindChange, Before: "id-1", After: "id-2"},
		{Key: "clientSecret", Kind: appmixer.KindChange, Before: "abc…", After: "xyz…"},
		{Key: "gone", Kind: appmixer.KindRemove, Before: "bye"},
		{Key: "microsoftTenant", Kind: appmixer.KindAdd, After: "true"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Diff =\n%v\nwant\n%v", got, want)
	}
	for _, c := range got {
		for _, secret := range []string{"abcdefgh", "xyz98765", "p4ssw0rd!"} {
			if strings.Contains(c.Before+c.After, secret) {
				t.Errorf("Diff leaks %q in %+v", secret, c)
			}
		}
	}
	if d := appmixer.Diff(old, old); len(d) != 0 {
		t.Errorf("Diff of equal configs = %v, want none", d)
	}
}

func TestMaskSecret(t *testing.T) {
	for in, want := range map[string]string{"": "", "ab": "…", "abc": "…", "abcd": "abc…", "Šťá€xyz": "Šťá…"} {
		if got := appmixer.MaskSecret(in); got != want {
			t.Errorf("MaskSecret(%q) = %q, want %q", in, got, want)
		}
	}
	m := appmixer.Config{"clientSecret": "s3cr3t-value", "clientId": "visible"}.Masked()
	if m["clientSecret"] != "s3c…" || m["clientId"] != "visible" {
		t.Errorf("Masked = %v", m)
	}
}

// Printing a config by mistake (%v, %s, %#v) never shows a secret value.
func TestConfigPrintsMasked(t *testing.T) {
	c := appmixer.Config{"clientId": "id-123", "clientSecret": "s3cr3t-value-xyz"}
	for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%v %s %#v", c, c, c)} {
		if strings.Contains(out, "s3cr3t-value-xyz") || !strings.Contains(out, "id-123") || !strings.Contains(out, "s3c…") {
			t.Fatalf("printed config: %s", out)
		}
	}
}
