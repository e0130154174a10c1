package steps

import (
	"context"
	"errors"
)

// Decision is the person's answer to a plan.
type Decision int

const (
	Apply Decision = iota
	Skip
	Quit
)

// Question is one plan put to the person.
type Question struct {
	Step Info
	Plan Plan // Plan.ConfirmName set: apply only when that exact name is typed
}

// Prompter is how a front end asks the person. The TUI, the accessible mode
// and headless each implement it; headless (--yes) applies every plan and takes
// the command it was given.
type Prompter interface {
	// Confirm asks whether to apply a step's plan.
	Confirm(ctx context.Context, q Question) (Decision, error)
	// Choose offers the start menu of an existing setup. ErrQuit leaves.
	Choose(ctx context.Context, m Menu) (MenuItem, error)
	// Setup asks the setup questions, starting from o; ErrBack returns to the menu.
	Setup(ctx context.Context, o Options) (Options, error)
}

// ErrQuit is returned when the person chose to stop at a question.
var ErrQuit = errors.New("stopped at your request")

// ErrBack is returned by Prompter.Setup to go back to the start menu.
var ErrBack = errors.New("back to the start menu")

// Yes is the headless prompter: it applies every plan, runs Command from the
// menu, and asks no setup questions.
type Yes struct{ Command string }

func (Yes) Confirm(context.Context, Question) (Decision, error) { return Apply, nil }

func (y Yes) Choose(_ context.Context, m Menu) (MenuItem, error) {
	for _, it := range m.Items {
		if it.Command == y.Command {
			return it, nil
		}
	}
	return MenuItem{Command: y.Command}, nil
}

func (Yes) Setup(_ context.Context, o Options) (Options, error) { return o, nil }
