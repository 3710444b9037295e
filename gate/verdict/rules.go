package verdict

import "github.com/tlsgate/tlsgate/gate/finding"

// Rule ids of the endpoint (TLS1nn) and compatibility (TLS2nn) rules, and
// the gate's tool notifications (TLS95n). Ids are never renamed or reused.
const (
	RuleDeprecatedProtocol  = "TLS101"
	RuleWeakCipherClass     = "TLS102"
	RuleCertUntrusted       = "TLS103"
	RuleCertExpired         = "TLS104"
	RuleCertExpiring        = "TLS105"
	RuleCertHostname        = "TLS106"
	RuleCertWeakKey         = "TLS107"
	RuleCertSHA1            = "TLS108"
	RuleMissingIntermediate = "TLS109"

	RuleNoCommonProtocol = "TLS201"
	RuleNoCommonSuite    = "TLS202"
	RuleForbiddenOnly    = "TLS203"
	RulePackageBreaks    = "TLS204"

	NoteNotProbeable       = "TLS950"
	NoteInconclusive       = "TLS951"
	NoteNotProbed          = "TLS952"
	NoteSuppressionExpired = "TLS953"
	NoteSuppressionUnused  = "TLS954"
	NoteUnknownApplication = "TLS955"
)

// Rules returns a fresh, ordered slice of the metadata of every rule the
// verdict reports (for SARIF tool.driver.rules and docs/gate.md).
func Rules() []finding.Rule {
	doc := "https://github.com/tlsgate/tlsgate/blob/main/docs/gate.md#"
	r := func(id, name, short, help, fix string, lvl finding.Severity, sev string) finding.Rule {
		return finding.Rule{ID: id, Name: name, Short: short, Help: help, Fix: fix, DefaultLevel: lvl,
			Tags: []string{"security", "tls"}, SecuritySeverity: sev, HelpURI: doc + lower(id)}
	}
	return []finding.Rule{
		r(RuleDeprecatedProtocol, "probe-deprecated-protocol",
			"The endpoint accepts a protocol version below the policy minimum.",
			"SSL 2.0/3.0 and TLS 1.0/1.1 are deprecated (RFC 8996). An endpoint that still accepts them lets old or misconfigured clients downgrade; the policy's min_version says what is allowed.",
			"Disable the old versions on the server (for IIS/SChannel: the SCHANNEL\\Protocols\\<version>\\Server keys, e.g. `tlsgate gen --policy tls12`).",
			finding.Error, "7.5"),
		r(RuleWeakCipherClass, "probe-weak-cipher-class",
			"The endpoint accepts a cipher class the policy forbids.",
			"RC4, 3DES (Sweet32), NULL, EXPORT and anonymous suites are broken; RSA key exchange (NO_PFS) has no forward secrecy; a CBC-only endpoint offers no AEAD suite. The policy's forbidden_ciphers lists the classes an endpoint must refuse.",
			"Remove the class from the server's cipher suite order (SChannel: the SSL Cipher Suite Order policy or the Ciphers registry keys).",
			finding.Error, "7.5"),
		r(RuleCertUntrusted, "probe-certificate-untrusted",
			"The endpoint's certificate chain does not verify.",
			"Clients reject an untrusted chain (.NET: \"The remote certificate is invalid according to the validation procedure\"). Pass --ca-file for a private CA.",
			"Serve a certificate from a CA the clients trust, with the full intermediate chain.",
			finding.Error, "8.0"),
		r(RuleCertExpired, "probe-certificate-expired",
			"The endpoint's certificate has expired (or is not yet valid).",
			"Every client refuses an expired certificate.",
			"Renew the certificate.",
			finding.Error, "8.0"),
		r(RuleCertExpiring, "probe-certificate-expiring",
			"The endpoint's certificate expires within the policy's window.",
			"certificate.min_days_to_expiry in the policy sets how many days of validity must remain.",
			"Renew the certificate before it expires.",
			finding.Warning, "4.0"),
		r(RuleCertHostname, "probe-certificate-hostname",
			"The endpoint's certificate is not valid for the host name.",
			"Clients check the name they connect to against the certificate's subject alternative names.",
			"Serve a certificate whose SANs include the host name clients use.",
			finding.Error, "7.0"),
		r(RuleCertWeakKey, "probe-certificate-weak-key",
			"The endpoint's certificate key is smaller than the policy minimum.",
			"certificate.min_rsa_bits and min_ec_bits in the policy set the smallest acceptable keys.",
			"Reissue the certificate with a larger key (RSA 2048+ or ECDSA P-256+).",
			finding.Warning, "5.0"),
		r(RuleCertSHA1, "probe-certificate-sha1",
			"The endpoint's certificate is signed with SHA-1.",
			"SHA-1 signatures are forgeable; current clients reject them. certificate.allow_sha1 in the policy accepts them.",
			"Reissue the certificate with a SHA-256 signature.",
			finding.Warning, "5.0"),
		r(RuleMissingIntermediate, "probe-missing-intermediate",
			"The endpoint does not send its intermediate certificates.",
			"The chain verifies only with intermediates the client happens to have cached; fresh hosts and non-Windows clients fail.",
			"Configure the server to send the full chain.",
			finding.Warning, "4.0"),
		r(RuleNoCommonProtocol, "compat-no-common-protocol",
			"The application and the endpoint have no protocol version in common.",
			"The protocols the application offers (from its effective target, AppContext switches, code and the host's registry) do not intersect the versions the endpoint accepts, so every connection fails during the handshake.",
			"Apply the first fix the report marks as sufficient: the code or configuration change, the AppContext switch, retargeting, or the registry package from `tlsgate gen`.",
			finding.Error, "7.5"),
		r(RuleNoCommonSuite, "compat-no-common-cipher-suite",
			"The application and the endpoint agree on a protocol but share no cipher suite.",
			"The negotiated protocol is known, but the client's SChannel suite list for its OS (e.g. Windows 7 / 8.1 / Server 2012 R2 lack ECDHE-RSA-AES-GCM) and the suites the endpoint accepts do not overlap.",
			"Run the client on a newer OS, add a suite the client has to the server (e.g. ECDHE-RSA-AES-CBC or DHE-RSA-AES-GCM), or enable it on the client through the SSL Cipher Suite Order policy.",
			finding.Error, "7.5"),
		r(RuleForbiddenOnly, "compat-forbidden-protocol-only",
			"The application connects to the endpoint only over a protocol the policy forbids.",
			"The handshake works, but over a version below the policy's min_version; the pair fails the policy.",
			"Make the application offer TLS 1.2 or later (see the fixes), or the endpoint accept it.",
			finding.Error, "6.5"),
		r(RulePackageBreaks, "compat-package-breaks-pair",
			"Applying the generated registry package would break this pair.",
			"The pair works as shipped, but after `tlsgate gen` for this policy the application and the endpoint have no usable protocol in common (typically: the endpoint only accepts TLS 1.0/1.1, which the package disables).",
			"Upgrade the endpoint before rolling out the package, or exempt the host.",
			finding.Note, "3.0"),
	}
}

// Notifications the gate may add (TLS95n), for docs.
func NotificationRules() []finding.Rule {
	doc := "https://github.com/tlsgate/tlsgate/blob/main/docs/gate.md#"
	return []finding.Rule{
		{ID: NoteNotProbeable, Name: "gate-endpoint-not-probeable", Short: "A discovered endpoint holds a placeholder or token and is not probed.", DefaultLevel: finding.Note, HelpURI: doc + "tls950"},
		{ID: NoteInconclusive, Name: "gate-endpoint-inconclusive", Short: "An endpoint could not be probed conclusively.", DefaultLevel: finding.Warning, HelpURI: doc + "tls951"},
		{ID: NoteNotProbed, Name: "gate-endpoint-not-probed", Short: "A discovered endpoint is not probed (discovery off, or excluded by discover_allow / discover_deny).", DefaultLevel: finding.Note, HelpURI: doc + "tls952"},
		{ID: NoteSuppressionExpired, Name: "gate-suppression-expired", Short: "A policy suppression for an endpoint or pair rule has expired.", DefaultLevel: finding.Warning, HelpURI: doc + "tls953"},
		{ID: NoteUnknownApplication, Name: "gate-unknown-application", Short: "A policy endpoint names an application the scan did not find.", DefaultLevel: finding.Warning, HelpURI: doc + "tls955"},
		{ID: NoteSuppressionUnused, Name: "gate-suppression-unused", Short: "A policy suppression for an endpoint or pair rule matched no finding.", DefaultLevel: finding.Note, HelpURI: doc + "tls954"},
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
