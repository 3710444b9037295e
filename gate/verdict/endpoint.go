package verdict

import (
	"fmt"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/probe"
)

// cipherLevel is the level of an accepted forbidden cipher class: broken
// ciphers are errors; missing forward secrecy and CBC-only are warnings.
var cipherLevel = map[string]finding.Severity{
	"RC4":      finding.Error, // biased keystream (RFC 7465)
	"3DES":     finding.Error, // 64-bit block, Sweet32
	"NULL":     finding.Error, // no encryption
	"EXPORT":   finding.Error, // 40/56-bit keys, FREAK / Logjam
	"ANON":     finding.Error, // no authentication
	"NO_PFS":   finding.Warning,
	"CBC_ONLY": finding.Warning,
}

// endpointFindings judges one probe result against the policy (TLS1nn).
func endpointFindings(p *policy.Policy, r *probe.Result) []finding.Finding {
	ep := &finding.Endpoint{Target: r.Target, Address: r.Address, SNI: r.SNI}
	var out []finding.Finding
	add := func(rule string, lvl finding.Severity, snippet, msg, fix string) {
		out = append(out, finding.Finding{RuleID: rule, Level: lvl, Endpoint: ep, Message: msg, Snippet: snippet, Fix: fix})
	}
	var below []string
	for _, q := range finding.Protocols {
		if q < p.MinVersion && r.Protocols[q.Key()] == probe.Accepted {
			below = append(below, q.String())
		}
	}
	if len(below) > 0 {
		add(RuleDeprecatedProtocol, finding.Error, "accepts "+strings.Join(below, ","),
			fmt.Sprintf("endpoint %s accepts %s, below the policy minimum %s", r.Target, strings.Join(below, ", "), p.MinVersion),
			fmt.Sprintf("disable %s on the server", strings.Join(below, ", ")))
	}
	forbidden := map[string]bool{}
	for _, c := range p.ForbiddenCiphers {
		forbidden[c] = true
	}
	for _, c := range r.WeakCiphers {
		if !forbidden[c] {
			continue
		}
		lvl, ok := cipherLevel[c]
		if !ok {
			lvl = finding.Warning
		}
		msg := fmt.Sprintf("endpoint %s accepts %s cipher suites, which the policy forbids", r.Target, c)
		switch c {
		case "NO_PFS":
			msg = fmt.Sprintf("endpoint %s accepts RSA key exchange (no forward secrecy), which the policy forbids", r.Target)
		case "CBC_ONLY":
			msg = fmt.Sprintf("endpoint %s accepts only CBC suites (no AEAD), which the policy forbids", r.Target)
		}
		add(RuleWeakCipherClass, lvl, "class "+c, msg, "remove "+c+" suites from the server's cipher suite order")
	}
	c := r.Certificate
	if c == nil {
		return out
	}
	subject := c.Subject
	switch {
	case c.Expired || c.NotYetValid:
		add(RuleCertExpired, finding.Error, "expired "+c.NotAfter,
			fmt.Sprintf("endpoint %s presents a certificate for %q that is not valid now (not after %s)", r.Target, subject, c.NotAfter), "renew the certificate")
	case p.Certificate.MinDaysToExpiry > 0 && c.DaysToExpiry < p.Certificate.MinDaysToExpiry:
		add(RuleCertExpiring, finding.Warning, "expiring",
			fmt.Sprintf("endpoint %s presents a certificate for %q that expires in %d days (policy: at least %d)", r.Target, subject, c.DaysToExpiry, p.Certificate.MinDaysToExpiry), "renew the certificate")
	}
	if !c.ChainValid {
		why := c.ChainError
		if why == "" {
			why = "the chain does not verify"
		}
		if !c.Expired || !strings.Contains(strings.ToLower(why), "expired") {
			add(RuleCertUntrusted, finding.Error, "untrusted "+c.Issuer,
				fmt.Sprintf("endpoint %s presents a certificate chain that does not verify: %s", r.Target, why),
				"serve a certificate from a trusted CA with its full chain (or pass --ca-file for a private CA)")
		}
	}
	if !c.HostnameMatch && r.SNI != "" {
		add(RuleCertHostname, finding.Error, "hostname "+r.SNI,
			fmt.Sprintf("endpoint %s presents a certificate for %q that is not valid for %s", r.Target, subject, r.SNI), "serve a certificate whose SANs include "+r.SNI)
	}
	switch strings.ToUpper(c.KeyType) {
	case "RSA":
		if p.Certificate.MinRSABits > 0 && c.KeyBits > 0 && c.KeyBits < p.Certificate.MinRSABits {
			add(RuleCertWeakKey, finding.Warning, fmt.Sprintf("RSA %d", c.KeyBits),
				fmt.Sprintf("endpoint %s uses a %d-bit RSA key (policy: at least %d)", r.Target, c.KeyBits, p.Certificate.MinRSABits), "reissue with RSA 2048+ or ECDSA P-256")
		}
	case "ECDSA":
		if p.Certificate.MinECBits > 0 && c.KeyBits > 0 && c.KeyBits < p.Certificate.MinECBits {
			add(RuleCertWeakKey, finding.Warning, fmt.Sprintf("ECDSA %d", c.KeyBits),
				fmt.Sprintf("endpoint %s uses a %d-bit EC key (policy: at least %d)", r.Target, c.KeyBits, p.Certificate.MinECBits), "reissue with ECDSA P-256 or larger")
		}
	}
	if !p.Certificate.AllowSHA1 && (c.WeakSignature || strings.Contains(strings.ToUpper(strings.ReplaceAll(c.SignatureAlgorithm, "-", "")), "SHA1")) {
		add(RuleCertSHA1, finding.Warning, "sig "+c.SignatureAlgorithm,
			fmt.Sprintf("endpoint %s presents a certificate signed with %s", r.Target, c.SignatureAlgorithm), "reissue with a SHA-256 signature")
	}
	if c.MissingIntermediate {
		add(RuleMissingIntermediate, finding.Warning, "missing intermediate",
			fmt.Sprintf("endpoint %s does not send its intermediate certificates", r.Target), "configure the server to send the full chain")
	}
	return out
}
