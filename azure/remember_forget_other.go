//go:build !linux

package azure

// forgetCache leaves the cache itself where it is outside Linux: with the
// records gone nothing finds its tokens, and the next sign-in replaces them.
func forgetCache(string) ([]string, error) { return nil, nil }
