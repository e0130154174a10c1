package azure

import (
	"sort"
	"strings"
)

// Suggest returns up to n candidates closest to name by case-insensitive
// Levenshtein distance, only those close enough to be a plausible typo.
func Suggest(name string, candidates []string, n int) []string {
	target := strings.ToLower(strings.TrimSpace(name))
	type scored struct {
		s string
		d int
	}
	var all []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := levenshtein(target, lc)
		// a prefix/substring match ("files.read" → "Files.Read.All") counts as close
		if target != "" && strings.Contains(lc, target) {
			d = min(d, len(lc)-len(target))
		}
		limit := max(3, len(target)/3)
		if d <= limit {
			all = append(all, scored{c, d})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].d != all[j].d {
			return all[i].d < all[j].d
		}
		return all[i].s < all[j].s
	})
	var out []string
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].s)
	}
	return out
}

// levenshtein is the edit distance between a and b (runes).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
