package wizard

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"charm.land/huh/v2"
)

// Plain line questions for the accessible mode. huh's accessible fields read
// through a scanner that reads ahead (so piped answers get swallowed) and,
// at the end of the input after an invalid answer, index a choice of 0 and
// panic; these read one line at a time and end cleanly with io.EOF.

// askText asks for a line; Enter keeps def (shown in brackets).
func askText(w io.Writer, r io.Reader, title string, def *string, check func(string) error) error {
	if *def != "" {
		title += " [" + *def + "]"
	}
	for {
		fmt.Fprint(w, title+": ")
		line, err := readLine(r)
		if err != nil {
			return endOfInput(err)
		}
		v := strings.TrimSpace(line)
		if v == "" {
			v = *def
		}
		if err := check(v); err != nil {
			fmt.Fprintln(w, err)
			continue
		}
		*def = v
		return nil
	}
}

// askChoice asks for one of opts by number; Enter keeps the current value.
func askChoice[T comparable](w io.Writer, r io.Reader, title string, v *T, opts []huh.Option[T]) error {
	fmt.Fprintln(w, title)
	cur := 1
	for i, o := range opts {
		fmt.Fprintf(w, "%d. %s\n", i+1, o.Key)
		if o.Value == *v {
			cur = i + 1
		}
	}
	for {
		fmt.Fprintf(w, "Enter a number between 1 and %d [%d]: ", len(opts), cur)
		line, err := readLine(r)
		if err != nil {
			return endOfInput(err)
		}
		n := cur
		if s := strings.TrimSpace(line); s != "" {
			if n, err = strconv.Atoi(s); err != nil || n < 1 || n > len(opts) {
				fmt.Fprintf(w, "Please enter a number between 1 and %d.\n", len(opts))
				continue
			}
		}
		*v = opts[n-1].Value
		return nil
	}
}

// askYesNo asks a yes/no question; Enter keeps the current answer.
func askYesNo(w io.Writer, r io.Reader, title string, v *bool) error {
	def := "y/N"
	if *v {
		def = "Y/n"
	}
	for {
		fmt.Fprintf(w, "%s [%s]: ", title, def)
		line, err := readLine(r)
		if err != nil {
			return endOfInput(err)
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "":
			return nil
		case "y", "yes":
			*v = true
			return nil
		case "n", "no":
			*v = false
			return nil
		}
		fmt.Fprintln(w, "Please type y or n.")
	}
}

// errEndOfInput: the answers ran out (a piped or scripted session ended).
var errEndOfInput = errors.New("the input ended before the question was answered")

func endOfInput(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errEndOfInput
	}
	return err
}
