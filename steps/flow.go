package steps

// SetupFlow is the seed's procedure in order (DESIGN.md's flow table). The two
// sign-ins are checked side by side; every other step needs the one before it.
func SetupFlow(o Options) []Stage {
	flow := []Stage{
		{SignInAzure{}, SignInAppmixer{}},
		{RegisterApp{}},
		{RedirectURIs{}},
		{APIPermissions{}},
		{ServicePrincipal{}},
	}
	if o.AdminConsent {
		flow = append(flow, Stage{AdminConsent{}})
	}
	return append(flow,
		Stage{ClientSecret{}},
		Stage{StoreInAppmixer{}},
		Stage{TenantFieldStep{}},
		Stage{Verify{}},
		Stage{SummaryStep{}},
	)
}

// FlowInfo lists the steps of a flow in order, for a sidebar.
func FlowInfo(flow []Stage) []Info {
	var out []Info
	for _, st := range flow {
		for _, s := range st {
			out = append(out, s.Info())
		}
	}
	return out
}
