package azuretest

import "strings"

// routeKey turns a request into the stable key tests and faults use:
// ids become {id}, alternate keys become (appId={appId}) or (uniqueName={uniqueName}),
// the tenant becomes {tenant}.
func routeKey(method, path string) (route string, graph bool) {
	if path == "/v1.0" || strings.HasPrefix(path, "/v1.0/") {
		segs := strings.Split(strings.TrimPrefix(path, "/v1.0/"), "/")
		out := []string{"/v1.0"}
		for i, seg := range segs {
			switch {
			case i == 0 && strings.Contains(seg, "("):
				name, key := seg[:strings.Index(seg, "(")], "appId"
				if strings.Contains(seg, "(uniqueName=") {
					key = "uniqueName"
				}
				out = append(out, name+"("+key+"={"+key+"})")
			case i == 1 && seg != "":
				out = append(out, "{id}")
			default:
				out = append(out, seg)
			}
		}
		return method + " " + strings.Join(out, "/"), true
	}
	if path == "/common/discovery/instance" || path == "/devicelogin" {
		return method + " " + path, false
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) > 1 {
		segs[0] = "{tenant}"
	}
	return method + " /" + strings.Join(segs, "/"), false
}
