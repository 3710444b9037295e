// Package testsrv starts TLS test endpoints on loopback (127.0.0.1 and ::1
// only) for the prober's and the verdict's tests: Go crypto/tls servers with
// chosen versions and suites, scripted SSL 2.0 / SSL 3.0 responders, hostile
// endpoints (tarpit, garbage, dripper, oversized record, closer), an
// unreachable port, OpenSSL s_server, STARTTLS front ends, and the
// certificates they present (generated at run time, never committed).
package testsrv

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var (
	keyMu    sync.Mutex
	rsaCache = map[int]*rsa.PrivateKey{}
)

// rsaKey returns a cached RSA key of the given size (generation is slow).
func rsaKey(bits int) *rsa.PrivateKey {
	keyMu.Lock()
	defer keyMu.Unlock()
	if k, ok := rsaCache[bits]; ok {
		return k
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	rsaCache[bits] = k
	return k
}

// PKI is a test root CA with one intermediate.
type PKI struct {
	Root, Inter       *x509.Certificate
	rootKey, interKey crypto.Signer
	// CAFile is a PEM file holding the root, for --ca-file.
	CAFile string
	// Dir holds CAFile and the PEM files written for openssl.
	Dir string
}

var serial int64 = 100
var serialMu sync.Mutex

func nextSerial() *big.Int {
	serialMu.Lock()
	defer serialMu.Unlock()
	serial++
	return big.NewInt(serial)
}

// NewPKI creates a root and an intermediate CA and writes the root to a PEM
// file in a temporary directory.
func NewPKI(t testing.TB) *PKI {
	t.Helper()
	p, err := NewPKIIn(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// NewPKIIn is NewPKI writing its files into dir.
func NewPKIIn(dir string) (*PKI, error) {
	now := time.Now()
	rk, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rootTpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: "tlsgate test root", Organization: []string{"tlsgate tests"}},
		NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	root := mustCert(x509.CreateCertificate(rand.Reader, rootTpl, rootTpl, rk.Public(), rk))
	ik, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	interTpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: "tlsgate test intermediate", Organization: []string{"tlsgate tests"}},
		NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(5 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	inter := mustCert(x509.CreateCertificate(rand.Reader, interTpl, root, ik.Public(), rk))
	p := &PKI{Root: root, Inter: inter, rootKey: rk, interKey: ik, Dir: dir}
	p.CAFile = filepath.Join(dir, "root.pem")
	if err := os.WriteFile(p.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw}), 0o644); err != nil {
		return nil, err
	}
	return p, nil
}

func mustCert(der []byte, err error) *x509.Certificate {
	if err != nil {
		panic(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return c
}

// LeafOptions describe a server certificate.
type LeafOptions struct {
	// Names are DNS names; default "localhost". IP SANs 127.0.0.1 and ::1
	// are always added unless NoIPs.
	Names []string
	NoIPs bool
	// Expired makes the certificate expire 10 days ago.
	Expired bool
	// RSABits selects an RSA key of that size (default 2048); ECDSA uses
	// a P-256 key instead.
	RSABits int
	ECDSA   bool
	// SHA1 signs the leaf with SHA-1 (the issuer must be RSA: an RSA
	// intermediate is made for it).
	SHA1 bool
	// NoIntermediate leaves the intermediate out of the chain the server
	// sends (a missing intermediate).
	NoIntermediate bool
	// SelfSigned makes a self-signed leaf.
	SelfSigned bool
}

// Leaf returns a tls.Certificate for a server.
func (p *PKI) Leaf(o LeafOptions) tls.Certificate {
	now := time.Now()
	names := o.Names
	if len(names) == 0 {
		names = []string{"localhost"}
	}
	tpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(90 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if !o.NoIPs {
		tpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}
	}
	if o.Expired {
		tpl.NotBefore = now.Add(-100 * 24 * time.Hour)
		tpl.NotAfter = now.Add(-10 * 24 * time.Hour)
	}
	var key crypto.Signer
	if o.ECDSA {
		key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		bits := o.RSABits
		if bits == 0 {
			bits = 2048
		}
		key = rsaKey(bits)
	}
	issuer, issuerKey := p.Inter, p.interKey
	chainInter := p.Inter
	if o.SHA1 {
		// SHA-1 needs an RSA issuer: a dedicated RSA intermediate.
		ik := rsaKey(2048)
		itpl := &x509.Certificate{
			SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: "tlsgate test RSA intermediate"},
			NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(5 * 365 * 24 * time.Hour),
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		}
		issuer = mustCert(x509.CreateCertificate(rand.Reader, itpl, p.Root, ik.Public(), p.rootKey))
		issuerKey, chainInter = ik, issuer
		tpl.SignatureAlgorithm = x509.SHA1WithRSA
	}
	var der []byte
	var err error
	if o.SelfSigned {
		der, err = x509.CreateCertificate(rand.Reader, tpl, tpl, key.Public(), key)
	} else {
		der, err = x509.CreateCertificate(rand.Reader, tpl, issuer, key.Public(), issuerKey)
	}
	if err != nil {
		panic(err)
	}
	c := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	if !o.SelfSigned && !o.NoIntermediate {
		c.Certificate = append(c.Certificate, chainInter.Raw)
	}
	c.Leaf, _ = x509.ParseCertificate(der)
	return c
}

// WritePEM writes a certificate chain and its key as PEM files (for
// openssl s_server) into p.Dir and returns their paths.
func (p *PKI) WritePEM(c tls.Certificate) (certFile, keyFile string, err error) {
	dir, err := os.MkdirTemp(p.Dir, "leaf")
	if err != nil {
		return "", "", err
	}
	var certs []byte
	for _, der := range c.Certificate {
		certs = append(certs, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	kb, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return "", "", err
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certs, 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}
