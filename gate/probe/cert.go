package probe

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// certConfig is the crypto/tls client used for the one certificate
// handshake: every version from TLS 1.0 and every suite Go has, the
// insecure ones listed explicitly so that legacy servers answer.
func certConfig(sni string, capture *[][]byte) *tls.Config {
	var suites []uint16
	for _, s := range tls.CipherSuites() {
		suites = append(suites, s.ID)
	}
	for _, s := range tls.InsecureCipherSuites() {
		suites = append(suites, s.ID)
	}
	return &tls.Config{
		ServerName:         sni,
		InsecureSkipVerify: true, // verified explicitly in certFacts
		MinVersion:         tls.VersionTLS10,
		MaxVersion:         tls.VersionTLS13,
		CipherSuites:       suites,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			*capture = raw
			return nil
		},
	}
}

// handshakeCert runs one full crypto/tls handshake and returns the chain the
// server sent.
func (e *endpoint) handshakeCert(ctx context.Context) (raw [][]byte, connected bool, err error) {
	deadline := time.Now().Add(e.timeout)
	conn, release, err := e.dial(ctx, deadline)
	if err != nil {
		return nil, false, err
	}
	defer release()
	tc := tls.Client(conn, certConfig(e.sni, &raw))
	hctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
			err = fmt.Errorf("timeout")
		}
		return raw, true, err
	}
	return raw, true, nil
}

// CertOptions are the inputs of certificate verification.
type CertOptions struct {
	// Roots are the trusted roots; nil means the system roots.
	Roots *x509.CertPool
	// Name is the host name to match ("" = an IP target: match Host as IP).
	Name string
	Now  time.Time
}

// loadRoots returns the system roots plus the PEM certificates of caFile.
func loadRoots(caFile string) (*x509.CertPool, error) {
	extra, err := readCAFile(caFile)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if extra != nil {
		pool.AppendCertsFromPEM(extra)
	}
	return pool, nil
}

// readCAFile reads caFile ("" = none) and checks it holds a PEM certificate.
func readCAFile(caFile string) ([]byte, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read CA file %q: %w", caFile, err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %q: no PEM certificates", caFile)
	}
	return pem, nil
}

// CertFacts turns the chain a server sent (DER, leaf first) into facts: the
// chain verified against roots with the sent intermediates at the leaf's
// mid-life (so expiry and trust are separate facts), the host name, the
// days to expiry, key and signature algorithm (SHA-1 and MD5 flagged here,
// since crypto/x509 no longer verifies them), and a missing intermediate.
func CertFacts(raw [][]byte, o CertOptions) (*Certificate, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("no certificate sent")
	}
	var certs []*x509.Certificate
	for i, der := range raw {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("parse certificate %d: %w", i, err)
		}
		certs = append(certs, c)
	}
	leaf := certs[0]
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := &Certificate{
		Subject:            leaf.Subject.String(),
		Issuer:             leaf.Issuer.String(),
		DNSNames:           leaf.DNSNames,
		NotBefore:          leaf.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:           leaf.NotAfter.UTC().Format(time.RFC3339),
		Expired:            now.After(leaf.NotAfter),
		NotYetValid:        now.Before(leaf.NotBefore),
		SignatureAlgorithm: leaf.SignatureAlgorithm.String(),
		ChainLength:        len(certs),
		SelfSigned:         leaf.Subject.String() == leaf.Issuer.String() && leaf.CheckSignature(leaf.SignatureAlgorithm, leaf.RawTBSCertificate, leaf.Signature) == nil,
	}
	for _, ip := range leaf.IPAddresses {
		c.IPAddresses = append(c.IPAddresses, ip.String())
	}
	// Whole days, negative once expired (truncated toward zero).
	c.DaysToExpiry = int(leaf.NotAfter.Sub(now).Hours() / 24)
	switch k := leaf.PublicKey.(type) {
	case *rsa.PublicKey:
		c.KeyType, c.KeyBits = "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		c.KeyType, c.KeyBits = "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		c.KeyType, c.KeyBits = "Ed25519", 256
	default:
		c.KeyType = fmt.Sprintf("%T", k)
	}
	for _, x := range certs {
		if x.IsCA && x.Subject.String() == x.Issuer.String() {
			continue // a root's own signature is not checked by clients
		}
		switch x.SignatureAlgorithm {
		case x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1, x509.MD5WithRSA, x509.MD2WithRSA:
			c.WeakSignature = true
		}
	}
	inter := x509.NewCertPool()
	for _, x := range certs[1:] {
		inter.AddCert(x)
	}
	at := leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
	_, verr := leaf.Verify(x509.VerifyOptions{Roots: o.Roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	c.ChainValid = verr == nil && !c.Expired && !c.NotYetValid
	if verr != nil {
		c.ChainError = verr.Error()
		var ua x509.UnknownAuthorityError
		if errors.As(verr, &ua) {
			// The top of what was sent is not a CA (so its issuer must be an
			// intermediate) and its issuer is neither sent nor trusted: an
			// intermediate is missing. A sent CA whose issuer is unknown is
			// an untrusted root instead.
			top := certs[len(certs)-1]
			if top.Subject.String() != top.Issuer.String() && !top.IsCA {
				_, terr := top.Verify(x509.VerifyOptions{Roots: o.Roots, CurrentTime: top.NotBefore.Add(top.NotAfter.Sub(top.NotBefore) / 2),
					KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
				c.MissingIntermediate = errors.As(terr, &ua)
			}
		}
	} else if c.Expired {
		c.ChainError = "certificate expired " + c.NotAfter
	} else if c.NotYetValid {
		c.ChainError = "certificate not valid before " + c.NotBefore
	}
	name := o.Name
	c.HostnameMatch = name != "" && leaf.VerifyHostname(strings.TrimSuffix(name, ".")) == nil
	return c, nil
}

// CheckCAFile reports whether caFile can be read and holds at least one
// PEM certificate (for an early usage error).
func CheckCAFile(caFile string) error {
	_, err := readCAFile(caFile)
	return err
}
