package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// step is one line of the list.
type step struct {
	line      int
	exit      int
	capture   string // NAME of NAME=, or ""
	args      []string
	output    string
	hasOutput bool
	source    string // the comment: where the expectation comes from
}

var captureRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*=$`)

func parseList(text string) ([]step, error) {
	var out []step
	for i, raw := range strings.Split(text, "\n") {
		line, comment := splitComment(raw)
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields, err := splitArgs(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		code, err := strconv.Atoi(fields[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: starts with %q, want the expected exit code", i+1, fields[0])
		}
		st := step{line: i + 1, exit: code, source: strings.TrimSpace(comment)}
		fields = fields[1:]
		if len(fields) > 0 && captureRE.MatchString(fields[0]) {
			st.capture, fields = strings.TrimSuffix(fields[0], "="), fields[1:]
		}
		for j, f := range fields {
			if f == "=>" {
				st.output, st.hasOutput = strings.Join(fields[j+1:], " "), true
				fields = fields[:j]
				break
			}
		}
		if len(fields) == 0 {
			return nil, fmt.Errorf("line %d: no az arguments", i+1)
		}
		if st.source == "" {
			return nil, fmt.Errorf("line %d: name the source of the expected exit code in a comment", i+1)
		}
		st.args = fields
		out = append(out, st)
	}
	return out, nil
}

// splitComment cuts a line at the first # outside quotes.
func splitComment(s string) (line, comment string) {
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '\'' || r == '"'):
			quote = r
		case quote == 0 && r == '#':
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// splitArgs splits on blanks; '…' and "…" group (no escapes inside).
func splitArgs(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	var quote rune
	inArg := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inArg = r, true
		case r == ' ' || r == '\t':
			if inArg {
				out = append(out, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	if inArg {
		out = append(out, cur.String())
	}
	return out, nil
}

var varRE = regexp.MustCompile(`\$\{([A-Z][A-Z0-9_]*)\}`)

// expand replaces ${NAME} with its value (an unknown name stays as written).
func expand(s string, vars map[string]string) string {
	return varRE.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := vars[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}
