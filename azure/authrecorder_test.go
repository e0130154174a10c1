package azure

import (
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/appmixer-tools/msconnector-wizard/internal/httpx"
)

// answers is a transport that gives its answers in turn.
type answers []*http.Response

func (a *answers) Do(req *http.Request) (*http.Response, error) {
	resp := (*a)[0]
	*a = (*a)[1:]
	resp.Request = req
	return resp, nil
}

const expiredRefresh = `{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired due to inactivity.","error_codes":[700082]}`

// The recorder explains an error with the exchange that failed last; once a
// later exchange has worked, that failure explains nothing. A remembered
// sign-in whose refresh is refused, followed by a prompt that fails without a
// failed exchange (no browser to open), must not read as the expired refresh.
func TestAuthRecorderForgetsAFailureOnceAnExchangeWorks(t *testing.T) {
	noBrowser := fmt.Errorf("failed to open browser: %w", &exec.Error{Name: "xdg-open", Err: exec.ErrNotFound})
	send := func(ar *authRecorder) {
		req, _ := http.NewRequest(http.MethodGet, "https://login.example/t/v2.0/.well-known/openid-configuration", nil)
		resp, err := ar.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
	}

	// The failure alone still explains an error that lost its answer.
	ar := &authRecorder{next: &answers{tokenResp(400, expiredRefresh)}, o: httpx.Options{Service: "Entra ID"}}
	send(ar)
	if ae, _ := AsAuthError(newAuthErrorRec("sign-in (browser)", noBrowser, ar)); ae == nil || ae.AADSTS != 700082 {
		t.Fatalf("the recorded failure was not used: %+v", ae)
	}

	// A working exchange after it: the error is the prompt's own.
	ar = &authRecorder{next: &answers{tokenResp(400, expiredRefresh), tokenResp(200, `{}`)}, o: httpx.Options{Service: "Entra ID"}}
	send(ar)
	send(ar)
	err := newAuthErrorRec("sign-in (browser)", noBrowser, ar)
	ae, _ := AsAuthError(err)
	if ae == nil || ae.AADSTS != 0 || ae.OAuthError != "" || strings.Contains(err.Error(), "refresh token") || !strings.Contains(err.Error(), "failed to open browser") {
		t.Fatalf("an earlier, overcome failure explains this one: %v (%+v)", err, ae)
	}
}
