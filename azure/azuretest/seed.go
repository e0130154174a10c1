package azuretest

import "time"

// GraphAppID is Microsoft Graph's application ID, the same in every tenant.
const GraphAppID = "00000003-0000-0000-c000-000000000000"

// AzureCLIClientID is the Azure CLI's public client, azidentity's default.
const AzureCLIClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

// firstPartyPublicClients are Microsoft's public clients present in every
// tenant; the device code flow accepts them without a registration here.
var firstPartyPublicClients = map[string]string{
	AzureCLIClientID:                       "Microsoft Azure CLI",
	"1950a258-227b-4e31-a9cf-717495945fc2": "Microsoft Azure PowerShell",
	"14d82eec-204b-4c2f-b7e8-296a70dab67e": "Microsoft Graph Command Line Tools",
}

// graphDelegatedScopes are Microsoft Graph's delegated permissions with their
// real ids. Graph: learn.microsoft.com/graph/permissions-reference (ids are
// the same in every tenant; the DESIGN.md ones are quoted there too).
var graphDelegatedScopes = []struct{ value, id, consent string }{
	{"openid", "37f7f235-527c-4136-accd-4a02d197296e", "User"},
	{"profile", "14dad69e-099b-42c9-810b-d002981feec1", "User"},
	{"email", "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", "User"},
	{"offline_access", "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "User"},
	{"User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "User"},
	{"User.ReadBasic.All", "b340eb25-3456-403f-be2f-af7a0d370277", "User"},
	{"User.Read.All", "a154be20-db9c-4678-8ab7-66f6cc099a59", "Admin"},
	{"Mail.Read", "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", "User"},
	{"Mail.ReadWrite", "024d486e-b451-40bb-833d-3e66d98c5c73", "User"},
	{"Mail.Send", "e383f46e-2787-4529-855e-0e479a3ffac0", "User"},
	{"MailboxSettings.Read", "87f447af-9fa4-4c32-9dfa-4a57a73d18ce", "User"},
	{"MailboxSettings.ReadWrite", "818c620a-27a9-40bd-a6a5-d96f7d610b4b", "User"},
	{"Calendars.Read", "465a38f9-76ea-45b9-9f34-9e8b0d4b0b42", "User"},
	{"Calendars.ReadWrite", "1ec239c2-d7c9-4623-a91a-a9775856bb36", "User"},
	{"Contacts.Read", "ff74d97f-43af-4b68-9f2a-b77ee6968c5d", "User"},
	{"Files.Read", "10465720-29dd-4523-a11a-6a75c743c9d9", "User"},
	{"Files.ReadWrite", "5c28f0bf-8a70-41f1-8ab2-9032436ddb65", "User"},
	{"Files.Read.All", "df85f4d6-205c-4ac5-a5ea-6bf408dba283", "User"},
	{"Files.ReadWrite.All", "863451e7-0667-486c-a5d6-d135439485f0", "User"},
	{"Sites.Read.All", "205e70e5-aba6-4c52-a976-6d2d46c48043", "User"},
	{"Sites.ReadWrite.All", "89fe6a52-be36-487e-b7d8-d061c450a026", "User"},
	{"Sites.Manage.All", "65e50fdc-43b7-4915-933e-e8138f11f40a", "User"},
	{"Directory.Read.All", "06da0dbc-49e2-44d2-8312-53f166ab848a", "Admin"},
	{"Subscription.Read.All", "5f88184c-80bb-4d52-9ff2-757288b2e9b7", "User"},
	{"Team.ReadBasic.All", "485be79e-c497-4b35-9400-0e3fa7f2a5d4", "User"},
	{"Channel.ReadBasic.All", "9d8982ae-4365-4f57-95e9-d6032a4c0b87", "User"},
	{"Channel.Create", "101147cf-4178-4455-9d58-02b5c164e759", "Admin"},
	{"ChannelMessage.Read.All", "767156cb-16ae-4d10-8f8b-41b657c8c8c8", "Admin"},
	{"ChannelMessage.Send", "ebf0f66e-9fb1-49e4-a278-222f76911cf4", "User"},
	{"ChannelMessage.ReadWrite", "5922d31f-46c8-4404-9eaf-2117e390a8a4", "Admin"},
	{"TeamMember.Read.All", "2497278c-d82d-46a2-b1ce-39d4cdde5570", "Admin"},
	{"Chat.ReadBasic", "9547fcb5-d03f-419d-9948-5928bbf71b0f", "User"},
	{"Chat.Read", "f501c180-9344-439a-bca0-6cbf209fd270", "User"},
	{"Chat.ReadWrite", "9ff7295e-131b-4d94-90e1-69fde507ac11", "User"},
	{"Chat.Create", "38826093-1258-4dea-98f0-00003be2b8d0", "User"},
	{"ChatMessage.Send", "116b7235-7cc6-461e-b163-8e55691d839e", "User"},
	{"Group.Read.All", "5f8c59db-677d-491f-a6b8-5f174b11ec1d", "Admin"},
	{"Application.Read.All", "c79f8feb-a9db-4090-85f9-90d820caa0eb", "Admin"},
	{"Application.ReadWrite.All", "bdfbf15f-ee85-4955-8675-146e8e5296b5", "Admin"},
	{"DelegatedPermissionGrant.ReadWrite.All", "41ce6ca6-6826-4807-84f1-1c82854f7ee5", "Admin"},
}

// graphAppRoles are the Graph application permissions the automation
// principal holds. Graph: learn.microsoft.com/graph/permissions-reference.
var graphAppRoles = []struct{ value, id string }{
	{"Application.ReadWrite.All", "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"},
	{"DelegatedPermissionGrant.ReadWrite.All", "8e8e4742-1d95-4f68-9d56-6ee75648c72a"},
	{"Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61"},
}

// delegatedScp is what the signed-in admin's Graph token carries (contract).
const delegatedScp = "Application.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All Directory.Read.All User.Read"

func (s *Server) seed() {
	s.orgName = "Contoso"
	s.domain = "contoso.example"
	s.user = seededUser{oid: newGUID(), upn: s.cfg.userUPN, name: s.cfg.userName}

	graph := ServicePrincipal{
		ID: newGUID(), AppID: GraphAppID, DisplayName: "Microsoft Graph", AppDisplayName: "Microsoft Graph",
		AppOwnerOrganizationID: "f8cdef31-a31e-4b4a-93e4-5f571e91255a", // Microsoft Services tenant
		ServicePrincipalType:   "Application", AccountEnabled: true, SignInAudience: "AzureADMultipleOrgs",
		ServicePrincipalNames: []string{GraphAppID, "https://graph.microsoft.com", "https://canary.graph.microsoft.com"},
		Tags:                  []string{},
	}
	for _, sc := range graphDelegatedScopes {
		graph.OAuth2PermissionScopes = append(graph.OAuth2PermissionScopes, PermissionScope{
			ID: sc.id, Value: sc.value, Type: sc.consent, IsEnabled: true,
			AdminConsentDisplayName: sc.value, AdminConsentDescription: "Allows the app to use " + sc.value + ".",
		})
	}
	for _, ar := range graphAppRoles {
		graph.AppRoles = append(graph.AppRoles, AppRole{
			ID: ar.id, Value: ar.value, DisplayName: ar.value, Description: "Allows the app to use " + ar.value + ".",
			AllowedMemberTypes: []string{"Application"}, IsEnabled: true,
		})
	}
	s.graphSPID = graph.ID
	s.sps = append(s.sps, seededSP(graph))

	// The automation principal is a multi-tenant app owned elsewhere: only its
	// service principal lives here, holding Graph app roles (admin-consented).
	s.automation = automationPrincipal{
		appID:  newGUID(),
		secret: newClientSecret(),
		spID:   newGUID(),
		roles:  []string{"Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.Read.All"},
	}
	s.sps = append(s.sps, seededSP(ServicePrincipal{
		ID: s.automation.spID, AppID: s.automation.appID, DisplayName: "msconnector automation",
		AppDisplayName: "msconnector automation", AppOwnerOrganizationID: newGUID(),
		ServicePrincipalType: "Application", AccountEnabled: true, SignInAudience: "AzureADMultipleOrgs",
		ServicePrincipalNames: []string{s.automation.appID}, Tags: []string{},
		OAuth2PermissionScopes: []PermissionScope{}, AppRoles: []AppRole{},
	}))
}

// seededSP stores a service principal given as its typed view, every other
// property at Graph's default.
func seededSP(sp ServicePrincipal) *spRecord {
	doc := newSPDoc()
	for k, v := range toJSONMap(sp) {
		doc[k] = v
	}
	for _, k := range []string{"oauth2PermissionScopes", "appRoles"} {
		p, _ := propOf("servicePrincipal", k)
		if arr, ok := doc[k].([]any); ok {
			for i, e := range arr {
				if m, ok := e.(map[string]any); ok {
					arr[i] = normalizeObject(m, p.typ)
				}
			}
		}
	}
	rec := &spRecord{}
	rec.setDoc(doc)
	return rec
}

// newClientSecret has the shape of an Entra client secret: 40 characters,
// "8Q~" after the three-character hint.
func newClientSecret() string {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	const tail = alpha + "_-.~"
	return randomString(3, alpha) + "8Q~" + randomString(34, tail)
}

// now is the emulated tenant's clock (WithClock; the real one by default).
func (s *Server) now() time.Time {
	if s.cfg.clock != nil {
		return s.cfg.clock().UTC()
	}
	return time.Now().UTC()
}
