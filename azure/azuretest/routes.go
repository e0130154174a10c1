package azuretest

import "strings"

// routeKey turns a request into the stable key tests and faults use: known
// segments in Graph's spelling (whatever case the client sent), ids as {id},
// alternate keys as (appId={appId}) or (uniqueName={uniqueName}), the tenant
// as {tenant}.
func routeKey(method, path string) (route string, graph bool) {
	if path == "/v1.0" || strings.HasPrefix(path, "/v1.0/") {
		segs := canonicalSegments(strings.Split(strings.TrimPrefix(path, "/v1.0/"), "/"))
		out := []string{"/v1.0"}
		for i, seg := range segs {
			name := seg
			if j := strings.Index(seg, "("); j >= 0 {
				name = seg[:j]
			}
			switch {
			case i == 0 && strings.Contains(seg, "("):
				key := "appId"
				if strings.Contains(seg, "(uniqueName=") {
					key = "uniqueName"
				}
				out = append(out, name+"("+key+"={"+key+"})")
			case i == 0 || graphSegments[strings.ToLower(seg)] != "" || seg == "":
				out = append(out, seg)
			default:
				out = append(out, "{id}")
			}
		}
		return method + " " + strings.Join(out, "/"), true
	}
	if path == "/common/discovery/instance" || path == "/devicelogin" || isARMPath(path) {
		return method + " " + path, false
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) > 1 {
		segs[0] = "{tenant}"
	}
	return method + " /" + strings.Join(segs, "/"), false
}
