package wizard

import (
	"context"
	"fmt"

	"github.com/appmixer-tools/msconnector-wizard/steps"
)

// Command is a lifecycle command: status, rotate-secret, tenant on|off, teardown.
type Command struct {
	Name    string // status | rotate-secret | tenant | teardown
	Arg     string // on|off for tenant
	Yes     bool   // teardown needs it headless
	KeepOld bool   // rotate-secret: keep the old secrets
}

// RunCommand runs a lifecycle command headless. The returned error is one line.
func RunCommand(ctx context.Context, c Command, o steps.Options, h Headless) error {
	return fmt.Errorf("%s is not available in this version yet: run setup (the default command) instead", c.Name)
}
