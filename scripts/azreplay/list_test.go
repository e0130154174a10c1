package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseList(t *testing.T) {
	steps, err := parseList(`
# a comment line
0 APP= ad app create --display-name "two words" --query appId -o tsv   # graph: application-post
3 ad app show --id ${APP} --query '"@odata.type"' => '#microsoft.graph.application'   # 404 → 3
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 {
		t.Fatalf("steps %+v", steps)
	}
	a, b := steps[0], steps[1]
	if a.exit != 0 || a.capture != "APP" || !reflect.DeepEqual(a.args, []string{"ad", "app", "create", "--display-name", "two words", "--query", "appId", "-o", "tsv"}) ||
		a.source != "graph: application-post" || a.line != 3 {
		t.Fatalf("first %+v", a)
	}
	if b.exit != 3 || !b.hasOutput || b.output != "#microsoft.graph.application" || b.args[6] != `"@odata.type"` {
		t.Fatalf("second %+v", b)
	}
	if got := expand("--id ${APP} ${NOPE}", map[string]string{"APP": "x"}); got != "--id x ${NOPE}" {
		t.Fatalf("expand: %q", got)
	}
	if !sameWords("a\tb\n", "a b") || sameWords("a b", "a c") {
		t.Fatal("sameWords")
	}
	for name, bad := range map[string]string{
		"no exit code": "ad app list   # x",
		"no source":    "0 ad app list",
		"no args":      "0 APP=   # x",
		"open quote":   `0 ad app list --query "x   # x`,
	} {
		if _, err := parseList(bad); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The built-in list parses, and every line names its source.
func TestBuiltinList(t *testing.T) {
	steps, err := parseList(builtinList)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 45 {
		t.Fatalf("%d commands; the replay covers at least 45", len(steps))
	}
}
