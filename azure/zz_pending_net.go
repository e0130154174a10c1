package azure

// Stand-ins until the HTTP toolkit lands (branch net provides the real ones).

// IsSecretRefused reports Entra ID refusing a client secret for what it is
// (AADSTS7000215 wrong, 7000222 expired), not for a passing trouble.
func IsSecretRefused(err error) bool {
	ae, ok := AsAuthError(err)
	return ok && (ae.AADSTS == 7000215 || ae.AADSTS == 7000222)
}
