module github.com/tlsgate/tlsgate

go 1.26

godebug (
	// the probe's certificate handshake must complete with servers that offer only RSA key exchange
	tlsrsakex=1
	// the probe's certificate handshake must complete with servers that sign only with SHA-1 (TLS 1.2)
	tlssha1=1
)

require (
	github.com/bmatcuk/doublestar/v4 v4.9.1
	github.com/google/go-github/v60 v60.0.0
	github.com/josephspurrier/goversioninfo v1.7.0
	github.com/rogpeppe/go-internal v1.14.1
	github.com/sabhiram/go-gitignore v0.0.0-20210923224102-525f6e181f06
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	github.com/sethvargo/go-githubactions v1.4.0
	github.com/spf13/pflag v1.0.6
	golang.org/x/net v0.47.0
	golang.org/x/sys v0.38.0
	golang.org/x/term v0.37.0
	golang.org/x/text v0.31.0
	gopkg.in/yaml.v3 v3.0.1
	software.sslmate.com/src/go-pkcs12 v0.5.0
)

require (
	github.com/akavel/rsrc v0.10.2 // indirect
	github.com/google/go-querystring v1.1.0 // indirect
	golang.org/x/crypto v0.44.0 // indirect
	golang.org/x/tools v0.38.0 // indirect
)
