package httpx

import (
	"net/http"
	"strconv"
	"time"
)

// maxRetryAfter bounds a server's Retry-After: a day already means "come back
// later", and a huge value must not overflow into a negative wait.
const maxRetryAfter = 24 * time.Hour

// RetryAfter reads the wait a throttled answer asks for, as azcore does:
// retry-after-ms, x-ms-retry-after-ms, then Retry-After in seconds or as an
// HTTP date. 0 when there is none.
func RetryAfter(h http.Header) time.Duration {
	for _, ms := range []string{"retry-after-ms", "x-ms-retry-after-ms"} {
		if v, err := strconv.ParseInt(h.Get(ms), 10, 64); err == nil && v > 0 {
			return min(time.Duration(min(v, int64(maxRetryAfter/time.Millisecond)))*time.Millisecond, maxRetryAfter)
		}
	}
	v := h.Get("Retry-After")
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(min(s, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return min(d, maxRetryAfter)
		}
	}
	return 0
}
