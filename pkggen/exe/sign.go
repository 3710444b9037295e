package exe

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// sign signs in into out, verifies out against the certificate chain in the
// PKCS#12 file and returns the signed bytes.
// CheckSigningKey reads the PKCS#12 file at path and opens it with
// password, so a missing file, a file that is not PKCS#12 or a wrong
// password is reported before anything is built.
func CheckSigningKey(path, password string) error {
	p12, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if _, _, _, err := pkcs12.DecodeChain(p12, password); err != nil {
		return fmt.Errorf("not a PKCS#12 file this password opens: %w", err)
	}
	return nil
}

func (g *Generator) sign(ctx context.Context, tmp, in, out string, m meta) ([]byte, error) {
	p12, err := os.ReadFile(g.opts.SignPKCS12)
	if err != nil {
		return nil, fmt.Errorf("read the signing certificate: %w", err)
	}
	_, cert, cas, err := pkcs12.DecodeChain(p12, g.opts.SignPassword)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w (is the password in --sign-pass-env right?)", g.opts.SignPKCS12, err)
	}
	var chain bytes.Buffer
	pem.Encode(&chain, &pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	for _, c := range cas {
		pem.Encode(&chain, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	caFile := filepath.Join(tmp, "sign-chain.pem")
	if err := os.WriteFile(caFile, chain.Bytes(), 0o600); err != nil {
		return nil, err
	}
	s := g.opts.Signer
	if s == nil {
		if s, err = DefaultSigner(g.opts.LookPath); err != nil {
			return nil, err
		}
	}
	if err := s.Sign(ctx, in, out, g.opts.SignPKCS12, g.opts.SignPassword, m.Product); err != nil {
		return nil, err
	}
	// The signature must verify, with the signing certificate's own chain
	// as the trust anchor (the host's trust store is not ours to judge).
	if err := s.Verify(ctx, out, caFile); err != nil {
		return nil, fmt.Errorf("the signed file does not verify: %w", err)
	}
	return os.ReadFile(out)
}

// DefaultSigner returns osslsigncode when it is on PATH, else signtool on
// Windows.
func DefaultSigner(lookPath func(string) (string, error)) (Signer, error) {
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	if p, err := lookPath("osslsigncode"); err == nil {
		return &Osslsigncode{Path: p}, nil
	}
	if runtime.GOOS == "windows" {
		if p, err := lookPath("signtool"); err == nil {
			return &Signtool{Path: p}, nil
		}
		return nil, errors.New("signing needs osslsigncode or signtool (Windows SDK) on PATH")
	}
	return nil, errors.New("signing needs osslsigncode on PATH (Debian/Ubuntu: apt-get install osslsigncode)")
}

// Osslsigncode signs with osslsigncode; the password goes through a 0600
// file (-readpass), never the command line.
type Osslsigncode struct{ Path string }

// Name implements Signer.
func (o *Osslsigncode) Name() string { return "osslsigncode" }

// Sign implements Signer.
func (o *Osslsigncode) Sign(ctx context.Context, in, out, p12, password, desc string) error {
	pf, err := os.CreateTemp(filepath.Dir(out), "pass-")
	if err != nil {
		return err
	}
	defer os.Remove(pf.Name())
	if _, err := pf.WriteString(password); err != nil {
		pf.Close()
		return err
	}
	if err := pf.Close(); err != nil {
		return err
	}
	os.Remove(out)
	return run(ctx, o.Path, "sign", "-pkcs12", p12, "-readpass", pf.Name(), "-h", "sha256", "-n", desc, "-in", in, "-out", out)
}

// Verify implements Signer.
func (o *Osslsigncode) Verify(ctx context.Context, file, caFile string) error {
	return run(ctx, o.Path, "verify", "-CAfile", caFile, "-in", file)
}

// Signtool signs with the Windows SDK's signtool.
type Signtool struct{ Path string }

// Name implements Signer.
func (s *Signtool) Name() string { return "signtool" }

// Sign implements Signer: signtool signs in place, so in is copied to out.
func (s *Signtool) Sign(ctx context.Context, in, out, p12, password, desc string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	return run(ctx, s.Path, "sign", "/fd", "SHA256", "/f", p12, "/p", password, "/d", desc, out)
}

// Verify implements Signer. signtool checks against the Windows trust
// store; caFile is not used.
func (s *Signtool) Verify(ctx context.Context, file, caFile string) error {
	return run(ctx, s.Path, "verify", "/pa", file)
}

func run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	var outb bytes.Buffer
	cmd.Stdout = &outb
	cmd.Stderr = &outb
	if err := cmd.Run(); err != nil {
		// Never echo a password: signtool's /p is the only secret argument.
		shown := append([]string(nil), args...)
		for i := range shown {
			if i > 0 && shown[i-1] == "/p" {
				shown[i] = "***"
			}
		}
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(shown, " "), err, strings.TrimSpace(outb.String()))
	}
	return nil
}
