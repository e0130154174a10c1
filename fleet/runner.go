package fleet

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// DefaultParallel is how many instances run at once unless --parallel says.
const DefaultParallel = 4

// OptionsFunc makes one instance's options from the run's (flags and
// environment: timeouts, cloud, state directory, HTTP clients). The real one
// is FromEnv; --demo and tests point instances at simulated services.
type OptionsFunc func(base steps.Options, in Instance) (steps.Options, error)

// Event is one thing that happened to an instance, or to a tenant's shared
// sign-in (Instance "" and For listing the instances that wait for it).
type Event struct {
	Instance string
	Tenant   string
	For      []string
	steps.Event
}

// Result is how one instance's command ended.
type Result struct {
	Instance Instance
	Outcome  *steps.Outcome // nil when it never ran: its options or its tenant's sign-in failed
	Err      error          // why it never ran
	Elapsed  time.Duration
}

// ExitErr is nil when the instance succeeded (for status: every check passed).
func (r Result) ExitErr() error {
	if r.Err != nil {
		return r.Err
	}
	if r.Outcome == nil {
		return fmt.Errorf("%s did not run", r.Instance.Name)
	}
	return r.Outcome.ExitErr()
}

// Runner runs one command for every instance of an inventory.
type Runner struct {
	Command string // a command of steps.Commands
	Arg     string // its word (tenant on|off)
	Base    steps.Options
	Options OptionsFunc
	// Parallel is how many instances run at once; 0 = DefaultParallel.
	Parallel int
	// Prompter asks about one instance's plans; nil: every plan is applied.
	Prompter func(name string) steps.Prompter
	// Observe gets every event, one at a time (the runner serialises them).
	Observe func(Event)
}

// Run runs the command for each instance and returns their results in the
// inventory's order. One instance failing never stops another; the
// instances of one tenant share one Azure sign-in (one device code).
func (r *Runner) Run(ctx context.Context, instances []Instance) []Result {
	var mu sync.Mutex
	observe := func(e Event) {
		if r.Observe == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		r.Observe(e)
	}
	opts := make([]steps.Options, len(instances))
	results := make([]Result, len(instances))
	groups := map[string]*tenantSignIn{}
	for i, in := range instances {
		results[i].Instance = in
		o, err := r.Options(r.Base, in)
		if err != nil {
			results[i].Err = err
			continue
		}
		opts[i] = o
		key := steps.AzureKey(o)
		if groups[key] == nil {
			groups[key] = &tenantSignIn{tenant: in.Tenant}
		}
		groups[key].names = append(groups[key].names, in.Name)
	}
	parallel := r.Parallel
	if parallel <= 0 {
		parallel = DefaultParallel
	}
	sem := make(chan struct{}, parallel)
	var apps sync.Map // app key → *sync.Mutex
	var wg sync.WaitGroup
	for i := range instances {
		if results[i].Err != nil {
			observe(Event{Instance: instances[i].Name, Event: steps.Event{Kind: steps.EventFailed, Err: results[i].Err}})
			continue
		}
		wg.Go(func() {
			in, o := instances[i], opts[i]
			start := time.Now()
			shared, err := groups[steps.AzureKey(o)].get(ctx, o, observe)
			if err != nil {
				results[i] = Result{Instance: in, Err: err, Elapsed: time.Since(start)}
				observe(Event{Instance: in.Name, Event: steps.Event{Kind: steps.EventFailed, Err: err}})
				return
			}
			// Setups that would find or create the same app registration (one
			// tenant, one app name) run one after another: the first creates
			// the app, the next adopt it and add their redirect URIs. Side by
			// side, each would create its own, and a later run would find two.
			// The tenant is the one signed in: two sign-ins ("organizations"
			// and the tenant's ID) can reach one directory.
			if r.Command == "setup" {
				key := strings.ToLower(shared.Signed().TenantID + "\x00" + cmp.Or(o.AppName, steps.DefaultAppName) + "\x00" + o.AppID)
				l, _ := apps.LoadOrStore(key, &sync.Mutex{})
				mu := l.(*sync.Mutex)
				if !mu.TryLock() { // before a slot is taken: a waiting setup holds none
					observe(Event{Instance: in.Name, Event: steps.Event{Kind: steps.EventProgress, Step: steps.Info{Title: "Queued"},
						Message: "waits for the setup of another instance with the same tenant and app name (they share one app registration)"}})
					mu.Lock()
				}
				defer mu.Unlock()
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i] = Result{Instance: in, Err: ctx.Err(), Elapsed: time.Since(start)}
				return
			}
			defer func() { <-sem }()
			results[i] = r.runOne(ctx, in, o, shared, observe)
			results[i].Elapsed = time.Since(start)
		})
	}
	wg.Wait()
	return results
}

// runOne runs the command on the tenant's shared sign-in.
func (r *Runner) runOne(ctx context.Context, in Instance, o steps.Options, shared *steps.Session, observe func(Event)) Result {
	res := Result{Instance: in}
	se := steps.NewSession(o)
	se.ShareAzure(shared)
	var p steps.Prompter = steps.Yes{Command: r.Command}
	if r.Prompter != nil {
		p = r.Prompter(in.Name)
	}
	res.Outcome = se.Run(ctx, steps.Request{Command: r.Command, Arg: r.Arg}, p, func(e steps.Event) {
		observe(Event{Instance: in.Name, Event: e})
	})
	return res
}

// tenantSignIn is the one Azure sign-in of a tenant's instances: the first
// instance to need it signs in, the others wait for that and share it.
type tenantSignIn struct {
	tenant string
	names  []string // the instances it serves, for the device-code line

	once sync.Once
	se   *steps.Session
	err  error
}

func (t *tenantSignIn) get(ctx context.Context, o steps.Options, observe func(Event)) (*steps.Session, error) {
	t.once.Do(func() {
		se := steps.NewSession(o)
		err := se.SignInAzure(ctx, func(e steps.Event) {
			observe(Event{Tenant: t.tenant, For: t.names, Event: e})
		})
		if err != nil {
			t.err = fmt.Errorf("tenant %s: %w", t.tenant, err)
			return
		}
		t.se = se
	})
	return t.se, t.err
}
